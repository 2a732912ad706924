import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { startSandbox } from '../../../lib/testing/index.js'
import { startExample } from '../../support/example-process.js'

// examples/private-key-jwt.ts run as a user runs it, in its own process, against the sandbox, which
// knows the client's public JWK and verifies every assertion (signature, iss, sub, aud, exp, jti).
describe('the private_key_jwt example, run against the sandbox', function () {
  this.timeout(90_000)

  it('gets a client-credentials token with a signed assertion and calls the API', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const dir = mkdtempSync(join(tmpdir(), 'private-key-jwt-'))
    try {
      const keyFile = join(dir, 'key.pem')
      writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
      await using sandbox = await startSandbox({ oauth2: { clientJwks: { 'jwt-client': { ...publicKey.export({ format: 'jwk' }), kid: 'k1' } } } })
      await using example = startExample('examples/private-key-jwt.ts', {
        TOKEN_URL: sandbox.oauth2.tokenUrl,
        CLIENT_ID: 'jwt-client',
        PRIVATE_KEY_FILE: keyFile,
        KEY_ID: 'k1',
        ISSUER: sandbox.oauth2.issuer,
        API_URL: `${sandbox.oauth2.baseUrl}me`,
      })
      const { code, stdout, stderr } = await example.exited()

      expect(code, stderr).to.equal(0)
      expect(stdout).to.include('Got a Bearer token for jwt-client, expires in 3600 s')
      expect(stdout).to.match(/path: 'me'/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('is refused by the sandbox when the key is not the registered one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'private-key-jwt-'))
    try {
      const keyFile = join(dir, 'key.json')
      writeFileSync(keyFile, JSON.stringify(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' })), { mode: 0o600 })
      const registered = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' })
      await using sandbox = await startSandbox({ oauth2: { clientJwks: { 'jwt-client': registered } } })
      await using example = startExample('examples/private-key-jwt.ts', {
        TOKEN_URL: sandbox.oauth2.tokenUrl,
        CLIENT_ID: 'jwt-client',
        PRIVATE_KEY_FILE: keyFile,
        API_URL: `${sandbox.oauth2.baseUrl}me`,
      })
      const { code, stderr } = await example.exited()

      expect(code).to.equal(1)
      expect(stderr).to.include('invalid_client')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
