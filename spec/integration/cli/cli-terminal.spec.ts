import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { cliHomeEachSpec, type CliHome, type CliResult } from '../../support/cli-process.js'

// The built command on a real terminal: util-linux `script` gives it a pseudo-terminal, so the
// prompts of `profile add` run as they do for a person. Ctrl-C (byte 0x03 typed on the terminal)
// stops them: exit 130, as a shell reports a command stopped by SIGINT, and nothing written.

const MAIN = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url))
const SCRIPT = '/usr/bin/script'

/** Runs `oauth-sessions ...args` on a pseudo-terminal; types `keys` once `prompt` shows; kills it after 15 s. */
function onTerminal(home: CliHome, args: string[], prompt: string, keys: string): Promise<CliResult> {
  const command = [process.execPath, MAIN, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ')
  const child = spawn(SCRIPT, ['-qefc', command, '/dev/null'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TERM: 'xterm', XDG_CONFIG_HOME: home.config, XDG_STATE_HOME: home.state },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let output = ''
  let typed = false
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk
    if (!typed && output.includes(prompt)) {
      typed = true
      child.stdin.write(keys)
    }
  })
  return new Promise<CliResult>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    child.once('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout: output, stderr: '' })
    })
  })
}

describe('oauth-sessions on a terminal', function () {
  this.timeout(30_000)
  const home = cliHomeEachSpec()

  it('exits 130 when Ctrl-C stops the prompts of `profile add`, saying it was cancelled, and writes no profile', async function () {
    if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} (util-linux) is needed to give the command a terminal`)
    const result = await onTerminal(home, ['profile', 'add', 'x'], 'How are tokens obtained?', '\u0003')

    expect(result.code, result.stdout).to.equal(130)
    expect(result.stdout).to.include('oauth-sessions: cancelled; nothing was written.')
    expect(existsSync(join(home.config, 'oauth-sessions', 'config.json'))).to.equal(false)
  })
})
