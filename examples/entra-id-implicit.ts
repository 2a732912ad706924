/**
 * requests-auth's AzureActiveDirectoryImplicit (Microsoft Entra ID): the first request opens your
 * browser at login.microsoftonline.com and the access token comes back in the redirect's fragment,
 * which the local listener's page sends back to it. Register http://localhost:5000/ as a redirect
 * URI of the app and allow access tokens from the implicit flow. Add `resource` for the v1 endpoint.
 *
 *   TENANT_ID=... CLIENT_ID=... [RESOURCE=https://graph.microsoft.com] [API_URL=...] npx tsx examples/entra-id-implicit.ts
 */
import { EntraIdImplicit, Session } from '../lib/index.js'

const { TENANT_ID, CLIENT_ID, RESOURCE, API_URL } = process.env
if (!TENANT_ID || !CLIENT_ID) {
  console.error('Set TENANT_ID and CLIENT_ID (and RESOURCE / API_URL for an API other than Microsoft Graph).')
  process.exit(1)
}

const entra = new EntraIdImplicit(TENANT_ID, CLIENT_ID, { resource: RESOURCE ?? 'https://graph.microsoft.com', prompt: 'select_account', timeout: 120 })

await using session = new Session({ auth: entra })
const me = await session.get(API_URL ?? 'https://graph.microsoft.com/v1.0/me')
console.log(me.raiseForStatus().json())
