import { readFileSync } from 'node:fs'
import { expect } from 'chai'
import { cliHomeEachSpec } from '../../support/cli-process.js'

// The help the built command prints (#19): docs/cli.md shows `oauth-sessions --help` as it is, and
// every subcommand's help has examples.

const DOCS = new URL('../../../docs/cli.md', import.meta.url)

describe('oauth-sessions --help', function () {
  this.timeout(30_000)
  const home = cliHomeEachSpec()

  it('is what docs/cli.md shows under "oauth-sessions --help"', async () => {
    const docs = readFileSync(DOCS, 'utf8')
    const block = /## `oauth-sessions --help`\n[\s\S]*?```\n([\s\S]*?)```/.exec(docs)?.[1]
    const help = await home.run(['--help'])

    expect(help.code).to.equal(0)
    expect(block, 'docs/cli.md has no --help block').to.be.a('string')
    expect(help.stdout).to.equal(block)
  })

  it('gives every subcommand examples', async () => {
    const subcommands = ['profile add', 'profile list', 'login', 'token', 'status', 'request', 'logout', 'explain', 'completion']
    for (const subcommand of subcommands) {
      const help = await home.run([...subcommand.split(' '), '--help'])
      expect(help.code, subcommand).to.equal(0)
      expect(help.stdout, subcommand).to.match(/\nExamples:\n {2}\$ .*oauth-sessions /)
    }
  })
})

describe('oauth-sessions writing into a closed pipe', function () {
  this.timeout(30_000)

  it('exits without a stack when the reader of stdout is gone (`oauth-sessions ... | head -1`)', async () => {
    const { spawn } = await import('node:child_process')
    const { fileURLToPath } = await import('node:url')
    const main = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url))
    const child = spawn(process.execPath, [main, 'request', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.destroy() // the reader closes before the command writes
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
    clearTimeout(timer)

    expect(stderr).not.to.include('EPIPE')
    expect(stderr).to.equal('')
    expect(code).to.equal(0)
  })
})
