import { expect } from 'chai'
import { cliHomeEachSpec } from '../../support/cli-process.js'
import { startServer } from '../../support/servers.js'

// Found trying the command in a terminal (#19): after `logout`, `request` of a device profile sent
// the request with no credentials at all (exit 0 on an API that answers anyone), and `request dev GET`
// (the URL forgotten) took "GET" for a URL and answered with the library's "set baseUrl" advice.

describe('oauth-sessions request before a login, or without a URL', function () {
  this.timeout(60_000)
  const home = cliHomeEachSpec()

  async function deviceProfile(url: string) {
    const added = await home.run([
      'profile',
      'add',
      'dev',
      '--flow',
      'device',
      '--client-id',
      'c',
      '--token-url',
      `${url}/token`,
      '--device-authorization-url',
      `${url}/device`,
    ])
    expect(added.code, added.stderr).to.equal(0)
  }

  it('exits 2 and names `login` for a user-flow profile with no stored token, sending nothing', async () => {
    let requests = 0
    await using server = await startServer((_request, response) => {
      requests += 1
      response.end('{}')
    })
    await deviceProfile(server.url)

    const result = await home.run(['request', 'dev', `${server.url}/api/me`])

    expect(result.code, result.stderr).to.equal(2)
    expect(result.stderr).to.include('No token is stored for profile "dev"').and.include('oauth-sessions login dev')
    expect(result.stdout).to.equal('')
    expect(requests).to.equal(0)
  })

  it('exits 64 naming the URL when the last word is not an absolute http(s) URL, sending nothing', async () => {
    let requests = 0
    await using server = await startServer((_request, response) => {
      requests += 1
      response.end('{}')
    })
    await deviceProfile(server.url)

    const method = await home.run(['request', 'dev', 'GET'])
    const relative = await home.run(['request', 'dev', 'POST', '/api/me'])

    expect(method.code, method.stderr).to.equal(64)
    expect(method.stderr).to.include('"GET" is not an absolute http(s) URL').and.include('request <profile> [METHOD] <url>')
    expect(method.stderr).not.to.include('baseUrl')
    expect(relative.code, relative.stderr).to.equal(64)
    expect(relative.stderr).to.include('"/api/me" is not an absolute http(s) URL')
    expect(requests).to.equal(0)
  })
})
