import { expect } from 'chai'
import got from 'got'
import { authHooks, OflyAuth, Session } from '../../../lib/index.js'
import { startSandbox } from '../../../lib/testing/index.js'

interface OflyEcho {
  path: string
  user: string
  hashMeth: string
  params: Record<string, string>
}

describe('OflyAuth against the sandbox provider', () => {
  it('is accepted via a Session, params included', async () => {
    await using sandbox = await startSandbox()
    await using session = new Session({ auth: new OflyAuth(sandbox.ofly.appId, sandbox.ofly.appSecret, 'user-1'), baseUrl: sandbox.ofly.baseUrl })

    const response = await session.get('albums', { params: { format: 'json', title: 'Summer & more' } })

    expect(response.status).to.equal(200)
    expect(response.json<OflyEcho>()).to.deep.include({ path: 'albums', user: 'user-1', hashMeth: 'SHA1', params: { format: 'json', title: 'Summer & more' } })
  })

  it('is accepted via authHooks on plain got, with md5', async () => {
    await using sandbox = await startSandbox()
    const client = got.extend(authHooks(new OflyAuth(sandbox.ofly.appId, sandbox.ofly.appSecret, 'user-2', { hashMeth: 'md5' })))

    const echo = await client(`${sandbox.ofly.baseUrl}photos`, { searchParams: { page: '2' } }).json<OflyEcho>()

    expect(echo).to.deep.include({ path: 'photos', user: 'user-2', hashMeth: 'MD5', params: { page: '2' } })
  })

  it('signs a redirect hop again for its own URL, with a Session and with plain got', async () => {
    await using sandbox = await startSandbox()
    const auth = new OflyAuth(sandbox.ofly.appId, sandbox.ofly.appSecret, 'user-3')
    await using session = new Session({ auth })
    const hop = `${sandbox.url}/redirect-to?${new URLSearchParams({ url: `${sandbox.ofly.baseUrl}albums/moved?page=4`, status_code: '307' })}`

    const viaSession = await session.get(hop)
    const viaGot = await got(hop, authHooks(auth)).json<OflyEcho>()

    expect(viaSession.history.map((response) => response.status)).to.deep.equal([307])
    expect(viaSession.json<OflyEcho>()).to.deep.include({ path: 'albums/moved', user: 'user-3', params: { page: '4' } })
    expect(viaGot).to.deep.include({ path: 'albums/moved', user: 'user-3', params: { page: '4' } })
  })

  it('sends a hop to another origin unsigned, which that origin refuses', async () => {
    await using sandbox = await startSandbox()
    await using session = new Session({ auth: new OflyAuth(sandbox.ofly.appId, sandbox.ofly.appSecret, 'user-4') })
    const hop = `${sandbox.url}/redirect-to?${new URLSearchParams({ url: `${sandbox.otherUrl}/ofly/api/albums` })}`

    const response = await session.get(hop)

    expect(response.url).to.equal(`${sandbox.otherUrl}/ofly/api/albums`)
    expect(response.status).to.equal(401)
    expect(response.json()).to.include({ error: 'signature_invalid' })
  })
})
