/**
 * GitHub, as requests-oauthlib's GitHub tutorial (web application flow).
 *
 *   GITHUB_CLIENT_ID=... GITHUB_CLIENT_SECRET=... npx tsx examples/github-oauth2.ts
 */
import { createInterface } from 'node:readline/promises'
import { OAuth2Session } from '../lib/index.js'

const clientId = process.env.GITHUB_CLIENT_ID
const clientSecret = process.env.GITHUB_CLIENT_SECRET
if (!clientId || !clientSecret) {
  console.error('Set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET (GitHub > Settings > Developer settings > OAuth Apps).')
  process.exit(1)
}

await using github = new OAuth2Session(clientId)
const [authorizationUrl] = github.authorizationUrl('https://github.com/login/oauth/authorize')
console.log('Please go here and authorize:', authorizationUrl)
const prompt = createInterface({ input: process.stdin, output: process.stdout })
const redirectResponse = (await prompt.question('Paste the full redirect URL here: ')).trim()
prompt.close()

await github.fetchToken('https://github.com/login/oauth/access_token', { clientSecret, authorizationResponse: redirectResponse })
console.log((await github.get('https://api.github.com/user')).raiseForStatus().json())
