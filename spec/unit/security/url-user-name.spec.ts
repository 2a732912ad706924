import { expect } from 'chai'
import { inspect } from 'node:util'
import { PreparedRequest, Session } from '../../../lib/index.js'
import { redactUrl } from '../../../lib/security/redact-url.js'
import { configurationRejection } from '../../support/expect-configuration-error.js'

// GitHub, GitLab and many APIs take a token as the URL's user name (https://TOKEN@host/ or
// https://TOKEN:x-oauth-basic@host/): the user name is then as secret as a password.
const TOKEN = 'ghp-user-name-token-91b7c'

function shown(value: unknown): string {
  return `${String(value)} ${JSON.stringify(value)} ${inspect(value, { depth: 10 })}`
}

describe('a token used as the URL user name', () => {
  it('is redacted with or without a password, and with an empty one', () => {
    expect(redactUrl(`https://${TOKEN}@api.example.com/repos`)).to.equal('https://[redacted]@api.example.com/repos')
    expect(redactUrl(`https://${TOKEN}:@api.example.com/`)).to.equal('https://[redacted]@api.example.com/')
    expect(redactUrl(`https://${TOKEN}:x-oauth-basic@api.example.com/`)).to.equal('https://[redacted]@api.example.com/')
    expect(redactUrl(`https://user:${TOKEN}@api.example.com/`)).to.equal('https://[redacted]@api.example.com/')
  })

  it('is redacted when the password holds an unencoded @ (the user info ends at the last @)', () => {
    expect(redactUrl(`https://user:pa@${TOKEN}@api.example.com/x?state=1`)).to.equal('https://[redacted]@api.example.com/x?state=1')
  })

  it('leaves an @ in the path or query alone', () => {
    expect(redactUrl('https://api.example.com/users/@me?mail=a@b.example')).to.equal('https://api.example.com/users/@me?mail=a@b.example')
  })

  it('stays out of PreparedRequest summaries, Session proxies and a malformed-URL ConfigurationError', async () => {
    const request = new PreparedRequest('GET', `https://${TOKEN}@api.example.com/repos`)
    const session = new Session({ proxies: { https: `http://${TOKEN}@proxy.example:3128` } })

    const error = await configurationRejection(() => session.request('GET', `https://${TOKEN}@[bad/`))

    expect(shown(request)).to.not.include(TOKEN)
    expect(shown(session)).to.not.include(TOKEN)
    expect(shown(error)).to.not.include(TOKEN)
  })
})
