/**
 * Bitbucket Cloud's OAuth 2 code flow, written in the style of requests-oauthlib's OAuth 2 tutorials.
 * requests-oauthlib's own Bitbucket tutorial is OAuth 1: that one is examples/bitbucket-oauth1.ts.
 *
 *   BITBUCKET_KEY=... BITBUCKET_SECRET=... npx tsx examples/bitbucket-oauth2.ts
 */
import { createInterface } from 'node:readline/promises'
import { OAuth2Session } from '../lib/index.js'

const key = process.env.BITBUCKET_KEY
const secret = process.env.BITBUCKET_SECRET
if (!key || !secret) {
  console.error('Set BITBUCKET_KEY and BITBUCKET_SECRET (Workspace settings > OAuth consumers).')
  process.exit(1)
}

await using bitbucket = new OAuth2Session(key)
const [authorizationUrl] = bitbucket.authorizationUrl('https://bitbucket.org/site/oauth2/authorize')
console.log('Please go here and authorize:', authorizationUrl)
const prompt = createInterface({ input: process.stdin, output: process.stdout })
const redirectResponse = (await prompt.question('Paste the full redirect URL here: ')).trim()
prompt.close()

await bitbucket.fetchToken('https://bitbucket.org/site/oauth2/access_token', { clientSecret: secret, authorizationResponse: redirectResponse })
console.log((await bitbucket.get('https://api.bitbucket.org/2.0/user')).raiseForStatus().json())
