import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { cliHomeEachSpec, type CliHome, type CliResult } from '../../support/cli-process.js'

// The built command on a real terminal: util-linux `script` gives it a pseudo-terminal, so the
// prompts of `profile add` run as they do for a person. Ctrl-C (byte 0x03 typed on the terminal)
// stops them: exit 130, as a shell reports a command stopped by SIGINT, and nothing written.

const MAIN = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url))
const SCRIPT = '/usr/bin/script'

/**
 * Runs `oauth-sessions ...args` on a pseudo-terminal and answers it as a person would: each step
 * types its keys once its text shows on the screen after the previous step's. Killed after 15 s.
 */
function onTerminal(home: CliHome, args: string[], steps: [shows: string, keys: string][]): Promise<CliResult> {
  const command = [process.execPath, MAIN, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ')
  const child = spawn(SCRIPT, ['-qefc', command, '/dev/null'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TERM: 'xterm', XDG_CONFIG_HOME: home.config, XDG_STATE_HOME: home.state },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let output = ''
  let seen = 0
  let step = 0
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk
    const next = steps[step]
    if (next === undefined) return
    const at = output.indexOf(next[0], seen)
    if (at === -1) return
    seen = at + next[0].length
    step++
    child.stdin.write(next[1])
  })
  return new Promise<CliResult>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    child.once('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout: output, stderr: '' })
    })
  })
}

const DOWN = '\u001b[B'
const ENTER = '\r'

describe('oauth-sessions on a terminal', function () {
  this.timeout(30_000)
  const home = cliHomeEachSpec()

  it('exits 130 when Ctrl-C stops the prompts of `profile add`, saying it was cancelled, and writes no profile', async function () {
    if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} (util-linux) is needed to give the command a terminal`)
    const result = await onTerminal(home, ['profile', 'add', 'x'], [['How are tokens obtained?', '\u0003']])

    expect(result.code, result.stdout).to.equal(130)
    expect(result.stdout).to.include('oauth-sessions: cancelled; nothing was written.')
    expect(existsSync(join(home.config, 'oauth-sessions', 'config.json'))).to.equal(false)
  })
  it('asks profile add again for a URL that is not http(s) and for a bad variable name, and asks a device profile where its secret is', async function () {
    if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} (util-linux) is needed to give the command a terminal`)
    const result = await onTerminal(
      home,
      ['profile', 'add', 'dev'],
      [
        ['How are tokens obtained?', DOWN + ENTER],
        ['Issuer URL', ENTER],
        ['Client id', `my-client${ENTER}`],
        ['Device authorization endpoint URL', `ftp://idp.example/device${ENTER}`],
        ['Give an absolute http(s) URL', `${'\u007f'.repeat(30)}https://idp.example/device${ENTER}`],
        ['Token endpoint URL', `https://idp.example/token${ENTER}`],
        ['client secret', `not a name${ENTER}`],
        ['Give an environment variable name', `${'\u007f'.repeat(10)}DEV_SECRET${ENTER}`],
        ['Scope', `read${ENTER}`],
      ],
    )

    expect(result.code, result.stdout).to.equal(0)
    const saved = JSON.parse(readFileSync(join(home.config, 'oauth-sessions', 'config.json'), 'utf8'))
    expect(saved.profiles.dev).to.deep.equal({
      flow: 'device',
      clientId: 'my-client',
      deviceAuthorizationUrl: 'https://idp.example/device',
      tokenUrl: 'https://idp.example/token',
      clientSecretEnv: 'DEV_SECRET',
      scope: 'read',
    })
  })
})
