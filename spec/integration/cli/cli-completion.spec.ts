import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { cliHomeEachSpec } from '../../support/cli-process.js'

// `oauth-sessions completion bash` (#19): the script the built command prints is loaded into a real
// bash, which is asked for completions as it asks when Tab is pressed (COMP_WORDS, COMP_CWORD, then
// the function `complete` registered). Profile names come from the built command on PATH.

const MAIN = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url))

describe('oauth-sessions completion', function () {
  this.timeout(30_000)
  const home = cliHomeEachSpec()

  /** What bash offers for the words typed so far (the last one is being completed). */
  function completions(script: string, typed: string[]): string[] {
    const bin = join(home.config, '..', 'bin')
    mkdirSync(bin, { recursive: true })
    writeFileSync(join(bin, 'oauth-sessions'), `#!/bin/sh\nexec "${process.execPath}" "${MAIN}" "$@"\n`)
    chmodSync(join(bin, 'oauth-sessions'), 0o755)
    const words = ['oauth-sessions', ...typed].map((word) => `'${word}'`).join(' ')
    const probe = `${script}\nCOMP_WORDS=(${words}); COMP_CWORD=${typed.length}; _oauth_sessions; printf '%s\\n' "\${COMPREPLY[@]}"`
    const output = execFileSync('bash', ['--norc', '--noprofile', '-c', probe], {
      env: { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '', XDG_CONFIG_HOME: home.config, XDG_STATE_HOME: home.state },
      encoding: 'utf8',
      timeout: 15_000,
    })
    return output.split('\n').filter((line) => line !== '')
  }

  it('completes subcommands, their options, the choices of --flow and --preset, profile names and request methods', async () => {
    for (const name of ['ci', 'gh']) {
      const added = await home.run(['profile', 'add', name, '--preset', 'github', '--client-id', 'x'])
      expect(added.code, added.stderr).to.equal(0)
    }
    const script = await home.run(['completion', 'bash'])
    expect(script.code, script.stderr).to.equal(0)

    expect(completions(script.stdout, ['lo'])).to.have.members(['login', 'logout'])
    expect(completions(script.stdout, ['profile', ''])).to.have.members(['add', 'list'])
    expect(completions(script.stdout, ['token', ''])).to.have.members(['ci', 'gh'])
    expect(completions(script.stdout, ['--trace', 'request', 'g'])).to.deep.equal(['gh'])
    expect(completions(script.stdout, ['request', 'gh', 'P'])).to.have.members(['POST', 'PUT', 'PATCH'])
    expect(completions(script.stdout, ['request', 'gh', '-H', 'X: 1', '--js'])).to.deep.equal(['--json'])
    expect(completions(script.stdout, ['profile', 'add', 'x', '--flow', ''])).to.have.members(['code', 'device', 'client_credentials', 'oauth1'])
    expect(completions(script.stdout, ['profile', 'add', 'x', '--preset', 'g'])).to.have.members(['github', 'google', 'gitlab'])
    expect(completions(script.stdout, ['status', '--j'])).to.deep.equal(['--json'])
    expect(completions(script.stdout, ['profile', 'list', '--n'])).to.deep.equal(['--names'])
  })

  it('prints the names alone for `profile list --names`, and refuses a shell it has no script for (64)', async () => {
    await home.run(['profile', 'add', 'b', '--preset', 'google', '--client-id', 'x'])
    await home.run(['profile', 'add', 'a', '--preset', 'gitlab', '--client-id', 'x'])
    const names = await home.run(['profile', 'list', '--names'])
    const fish = await home.run(['completion', 'fish'])
    const zsh = await home.run(['completion', 'zsh'])

    expect(names.stdout).to.equal('a\nb\n')
    expect(fish.code).to.equal(64)
    expect(fish.stderr).to.include('bash or zsh')
    expect(zsh.stdout.split('\n')[0]).to.equal('autoload -U +X bashcompinit && bashcompinit')
    expect(zsh.stdout).to.include('complete -o default -F _oauth_sessions oauth-sessions')
  })
})
