import { expect } from 'chai'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setImmediate } from 'node:timers/promises'
import { JsonTokenFileCache, TokenMemoryCache } from '../../../lib/index.js'

/** Runs `body` in a fresh folder and returns the process warnings it caused. */
async function warningsOf(body: (folder: string) => Promise<void> | void): Promise<string[]> {
  const folder = mkdtempSync(join(tmpdir(), 'oauth-sessions-cache-'))
  const warnings: string[] = []
  const onWarning = (warning: Error): void => {
    warnings.push(warning.message)
  }
  process.on('warning', onWarning)
  try {
    await body(folder)
    await setImmediate()
    return warnings
  } finally {
    process.off('warning', onWarning)
    rmSync(folder, { recursive: true, force: true })
  }
}

const never = async (): Promise<never> => {
  throw new Error('the cache should have had the token')
}

describe('JsonTokenFileCache when the file cannot serve', () => {
  it('warns that a path it cannot read starts empty, and keeps tokens in memory when it cannot write there', async () => {
    let token: string | undefined
    const warnings = await warningsOf(async (folder) => {
      const directory = join(folder, 'tokens.json')
      mkdirSync(directory)
      const cache = new JsonTokenFileCache(directory)
      await cache.addToken('key-1', { token: 'tok-1', expiresIn: 3600 })
      token = await cache.getToken('key-1', 30, never)
    })

    expect(token).to.equal('tok-1')
    expect(warnings).to.have.length(2)
    expect(warnings[0]).to.match(/is unreadable \(EISDIR\); starting empty\.$/)
    expect(warnings[1]).to.match(/could not be written \(\w+\); tokens are kept in memory only\.$/)
  })

  it('replaces a file whose entries are not [token, expiry] pairs, with a warning', async () => {
    let refreshed: string | undefined
    const warnings = await warningsOf(async (folder) => {
      const file = join(folder, 'tokens.json')
      writeFileSync(file, JSON.stringify({ good: ['tok', 9_999_999_999], bad: { token: 'tok' } }))
      const cache = new JsonTokenFileCache(file)
      refreshed = await cache.getToken('good', 30, async () => ({ token: 'fetched', expiresIn: 60 }))
    })

    expect(refreshed).to.equal('fetched')
    expect(warnings.join(' ')).to.include('is corrupt or not a token cache; it will be replaced.')
  })

  it('reads a cached refresh token back from the file', async () => {
    let seenRefreshToken: string | undefined
    await warningsOf(async (folder) => {
      const file = join(folder, 'tokens.json')
      writeFileSync(file, JSON.stringify({ key: ['old', 1, 'rt-from-file'] }))
      const cache = new JsonTokenFileCache(file)
      await cache.getToken('key', 30, async (refreshToken) => {
        seenRefreshToken = refreshToken
        return { token: 'new', expiresIn: 60 }
      })
    })

    expect(seenRefreshToken).to.equal('rt-from-file')
  })
})

describe('TokenMemoryCache expiry of a token given without a lifetime', () => {
  it('keeps a three-part token whose middle is not JSON for a year, like any opaque token', async () => {
    const cache = new TokenMemoryCache()
    cache.addToken('key', { token: 'aaa.not-base64-json.ccc' })

    // One day of early expiry still finds it fresh.
    expect(await cache.getToken('key', 24 * 3600, never)).to.equal('aaa.not-base64-json.ccc')
  })
})
