import {
  BackendApplicationClient,
  LegacyApplicationClient,
  OAuth1Service,
  OAuth2ClientCredentials,
  OAuth2Handler,
  OAuth2ResourceOwnerPasswordCredentials,
  OAuth2Service,
  OAuth2Session,
  type OAuth2Token,
  Response,
  Session,
  tokenCache,
} from '../../lib/index.js'
import { type CaseSecrets, SECRET_MARK } from './families.js'
import type { RawServer } from './raw-server.js'

/** The credentials the clients send: each carries the marker, so a leak of one is found too. */
export const CLIENT_SECRETS = {
  clientSecret: `cs-${SECRET_MARK}-client`,
  password: `pw-${SECRET_MARK}-password`,
  code: `code-${SECRET_MARK}-code`,
  consumerSecret: `ck-${SECRET_MARK}-consumer`,
  requestTokenSecret: `rts-${SECRET_MARK}-request`,
  oldAccessToken: `at-old-${SECRET_MARK}`,
  oldRefreshToken: `rt-old-${SECRET_MARK}`,
} as const

const CLIENT_ID = 'fuzz-client'
const REDIRECT = 'https://app.example/callback'
const STATE = 'fuzz-state'

/** What one entry point is given for one case. */
export interface EntryContext {
  readonly server: RawServer
  /** The server's origin and a path prefix unique to the case (the requests-auth cache keys on the URL). */
  readonly base: string
  readonly secrets: CaseSecrets
  /** The `token_type` the answer carried. */
  readonly tokenType: unknown
  /** Values other than the secrets a client may accept as a token (see FamilyContext.accepted). */
  readonly accepted: ReadonlySet<string>
  /** Each client's per-phase timeout. */
  readonly timeoutMs: number
}

/** What a call that did not throw produced: a token or a raw answer, and what is wrong with it. */
export interface EntryResult {
  kind: 'token' | 'response'
  /** Empty when the result is valid; otherwise why it is garbage. */
  problems: string[]
}

/** One token-reading entry point of the SDK. */
export interface EntryPoint {
  readonly name: string
  readonly dialect: 'oauth2' | 'oauth1'
  run(context: EntryContext): Promise<EntryResult>
}

/** Whether a token of this type is sent as Bearer (a missing type keeps requests-oauthlib's default). */
export function isBearerType(type: unknown): boolean {
  return type === undefined || type === null || (typeof type === 'string' && type.toLowerCase() === 'bearer')
}

/** What is wrong with an OAuth 2 token a client accepted. */
function tokenProblems(token: OAuth2Token, context: EntryContext, refreshAllowed: readonly string[] = []): string[] {
  const { secrets, accepted } = context
  const problems: string[] = []
  const tokenIs = (value: unknown, secret: string): boolean => value === secret || (typeof value === 'string' && accepted.has(value))
  if (!tokenIs(token.access_token, secrets.accessToken)) problems.push(`access_token is ${describe(token.access_token)}, not the one sent`)
  if (token.refresh_token !== undefined && !tokenIs(token.refresh_token, secrets.refreshToken) && !refreshAllowed.includes(token.refresh_token)) {
    problems.push(`refresh_token is ${describe(token.refresh_token)}`)
  }
  if (token.expires_in !== undefined && !(Number.isSafeInteger(token.expires_in) && token.expires_in >= 0))
    problems.push(`expires_in is ${describe(token.expires_in)}`)
  if (token.expires_at !== undefined && !(typeof token.expires_at === 'number' && Number.isFinite(token.expires_at))) {
    problems.push(`expires_at is ${describe(token.expires_at)}`)
  }
  if (token.scope !== undefined && !(Array.isArray(token.scope) && token.scope.every((scope) => typeof scope === 'string')))
    problems.push(`scope is ${describe(token.scope)}`)
  if (token.token_type !== undefined && typeof token.token_type !== 'string') problems.push(`token_type is ${describe(token.token_type)}`)
  if (token.id_token !== undefined && typeof token.id_token !== 'string') problems.push(`id_token is ${describe(token.id_token)}`)
  return problems
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value.includes(SECRET_MARK) ? `a ${value.length}-character string` : JSON.stringify(value.slice(0, 40))
  if (value === null || typeof value !== 'object') return String(value)
  return Array.isArray(value) ? 'an array' : 'an object'
}

/**
 * Uses the token on the case server's `/resource`: a Bearer-type token must arrive as
 * `Authorization: Bearer <access_token>`; any other type must be refused with
 * `ERR_UNSUPPORTED_TOKEN_TYPE` before anything is sent.
 */
async function useToken(session: Session, context: EntryContext, problems: string[]): Promise<EntryResult> {
  const before = context.server.requests.length
  const resourceHits = (): { headers: Record<string, string> }[] =>
    context.server.requests.slice(before).filter((request) => request.path.endsWith('/resource'))
  const bearer = isBearerType(context.tokenType)
  try {
    await session.get(`${context.base}/resource`, { timeout: context.timeoutMs })
  } catch (error) {
    const refused = (error as { code?: unknown }).code === 'ERR_UNSUPPORTED_TOKEN_TYPE'
    if (refused && !bearer && resourceHits().length === 0 && problems.length === 0) return { kind: 'token', problems }
    if (refused) problems.push(`the token (token_type ${describe(context.tokenType)}) was refused with ERR_UNSUPPORTED_TOKEN_TYPE`)
    if (problems.length > 0) return { kind: 'token', problems }
    throw error
  }
  const sent = resourceHits()[0]?.headers.authorization
  if (!bearer) problems.push(`a token with token_type ${describe(context.tokenType)} was sent as ${sent === undefined ? 'nothing' : sent.split(' ')[0]}`)
  else if (sent !== `Bearer ${context.secrets.accessToken}` && !(sent?.startsWith('Bearer ') && context.accepted.has(sent.slice(7))))
    problems.push(`the resource request carried ${describe(sent)}, not Bearer <access_token>`)
  return { kind: 'token', problems }
}

/** An entry point that makes a client per case, uses it and closes it, even when the use throws. */
function entryPoint<T extends { close(): Promise<void> }>(
  name: string,
  dialect: EntryPoint['dialect'],
  make: (context: EntryContext) => T,
  use: (client: T, context: EntryContext) => Promise<EntryResult>,
): EntryPoint {
  return {
    name,
    dialect,
    async run(context) {
      const client = make(context)
      try {
        return await use(client, context)
      } finally {
        await client.close()
      }
    },
  }
}

/** An OAuth2Session entry point: the token it gets must be valid and be sent as Bearer on the resource. */
function sessionGrant(
  name: string,
  make: () => OAuth2Session,
  fetch: (session: OAuth2Session, context: EntryContext) => Promise<OAuth2Token>,
  refreshAllowed: readonly string[] = [],
): EntryPoint {
  return entryPoint(name, 'oauth2', make, async (session, context) =>
    useToken(session, context, tokenProblems(await fetch(session, context), context, refreshAllowed)),
  )
}

const codeGrant = sessionGrant(
  'OAuth2Session code',
  () => new OAuth2Session(CLIENT_ID, { redirectUri: REDIRECT, state: STATE, clientSecret: CLIENT_SECRETS.clientSecret, pkce: false }),
  (session, context) => {
    const authorizationResponse = `${REDIRECT}?code=${CLIENT_SECRETS.code}&state=${STATE}`
    return session.fetchToken(`${context.base}/token`, { authorizationResponse, timeout: context.timeoutMs })
  },
)

const passwordGrant = sessionGrant(
  'OAuth2Session password',
  () => new OAuth2Session(undefined, { client: new LegacyApplicationClient(CLIENT_ID), clientSecret: CLIENT_SECRETS.clientSecret }),
  (session, context) => session.fetchToken(`${context.base}/token`, { username: 'user', password: CLIENT_SECRETS.password, timeout: context.timeoutMs }),
)

const clientCredentials = sessionGrant(
  'OAuth2Session client credentials',
  () => new OAuth2Session(undefined, { client: new BackendApplicationClient(CLIENT_ID), clientSecret: CLIENT_SECRETS.clientSecret }),
  (session, context) => session.fetchToken(`${context.base}/token`, { timeout: context.timeoutMs }),
)

const refresh = sessionGrant(
  'OAuth2Session refreshToken',
  () =>
    new OAuth2Session(CLIENT_ID, {
      clientSecret: CLIENT_SECRETS.clientSecret,
      token: { access_token: CLIENT_SECRETS.oldAccessToken, refresh_token: CLIENT_SECRETS.oldRefreshToken, token_type: 'Bearer' },
    }),
  (session, context) => session.refreshToken(`${context.base}/token`, { timeout: context.timeoutMs }),
  [CLIENT_SECRETS.oldRefreshToken],
)

function rauthService(context: EntryContext): OAuth2Service {
  return new OAuth2Service({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRETS.clientSecret,
    accessTokenUrl: `${context.base}/token`,
    sessionOptions: { timeout: context.timeoutMs },
  })
}

const rauthAccessToken = entryPoint('OAuth2Service getAccessToken', 'oauth2', rauthService, async (service, context) => {
  const token: unknown = await service.getAccessToken('POST', {
    data: { code: CLIENT_SECRETS.code, grant_type: 'authorization_code' },
    timeout: context.timeoutMs,
  })
  const valid = token === context.secrets.accessToken || (typeof token === 'string' && context.accepted.has(token))
  return { kind: 'token', problems: valid ? [] : [`the access token is ${describe(token)}`] }
})

const rauthRawAccessToken = entryPoint('OAuth2Service getRawAccessToken', 'oauth2', rauthService, async (service, context) => {
  const response: unknown = await service.getRawAccessToken('POST', { data: { code: CLIENT_SECRETS.code }, timeout: context.timeoutMs })
  return { kind: 'response', problems: response instanceof Response ? [] : ['did not return a Response'] }
})

function oauth1Service(context: EntryContext): OAuth1Service {
  return new OAuth1Service({
    consumerKey: 'fuzz-consumer',
    consumerSecret: CLIENT_SECRETS.consumerSecret,
    requestTokenUrl: `${context.base}/request_token`,
    accessTokenUrl: `${context.base}/access_token`,
    sessionOptions: { timeout: context.timeoutMs },
  })
}

/** An OAuth1Service entry point: what it returns must be the [token, secret] pair sent. */
function oauth1Grant(name: string, fetch: (service: OAuth1Service, context: EntryContext) => Promise<unknown>): EntryPoint {
  return entryPoint(name, 'oauth1', oauth1Service, async (service, context) => {
    const pair = await fetch(service, context)
    const { secrets, accepted } = context
    if (!Array.isArray(pair) || pair.length !== 2) return { kind: 'token', problems: ['did not return a [token, secret] pair'] }
    const [token, secret] = pair as unknown[]
    const problems: string[] = []
    if (token !== secrets.oauthToken && !(typeof token === 'string' && accepted.has(token)))
      problems.push(`oauth_token is ${describe(token)}, not the one sent`)
    if (secret !== secrets.oauthTokenSecret && !(typeof secret === 'string' && accepted.has(secret)))
      problems.push(`oauth_token_secret is ${describe(secret)}, not the one sent`)
    return { kind: 'token', problems }
  })
}

const oauth1RequestToken = oauth1Grant('OAuth1Service getRequestToken', (service, context) =>
  service.getRequestToken('POST', { params: { oauth_callback: 'oob' }, timeout: context.timeoutMs }),
)

const oauth1AccessToken = oauth1Grant('OAuth1Service getAccessToken', (service, context) =>
  service.getAccessToken('request-token', CLIENT_SECRETS.requestTokenSecret, 'POST', { data: { oauth_verifier: 'v' }, timeout: context.timeoutMs }),
)

const handler = entryPoint(
  'OAuth2Handler getToken',
  'oauth2',
  (context) => new OAuth2Handler(CLIENT_ID, CLIENT_SECRETS.clientSecret, `${context.base}/`, REDIRECT, { sessionOptions: { timeout: context.timeoutMs } }),
  async (oauth2) => {
    const answer: unknown = await oauth2.getToken(CLIENT_SECRETS.code)
    const problems: string[] = []
    if (answer !== null) {
      const prototype = typeof answer === 'object' ? Object.getPrototypeOf(answer) : undefined
      if (typeof answer !== 'object' || Array.isArray(answer) || (prototype !== Object.prototype && prototype !== null)) {
        problems.push(`returned ${describe(answer)} where an object or null belongs`)
      }
    }
    return { kind: 'response', problems }
  },
)

/** A requests-auth strategy entry point: the strategy gets its token on a Session of its own, then the token must be sent as Bearer. */
function strategyEntry(
  name: string,
  make: (session: Session, context: EntryContext) => OAuth2ClientCredentials | OAuth2ResourceOwnerPasswordCredentials,
): EntryPoint {
  return {
    name,
    dialect: 'oauth2',
    async run(context) {
      const tokens = new Session({ timeout: context.timeoutMs })
      const strategy = make(tokens, context)
      const api = new Session({ auth: strategy, timeout: context.timeoutMs })
      try {
        return await useToken(api, context, [])
      } finally {
        await tokenCache().delete(strategy.state)
        await api.close()
        await tokens.close()
      }
    },
  }
}

const requestsAuthClientCredentials = strategyEntry(
  'requests-auth OAuth2ClientCredentials',
  (session, context) =>
    new OAuth2ClientCredentials(`${context.base}/token`, CLIENT_ID, CLIENT_SECRETS.clientSecret, { session, timeout: context.timeoutMs / 1000 }),
)

const requestsAuthPassword = strategyEntry(
  'requests-auth OAuth2ResourceOwnerPasswordCredentials',
  (session, context) =>
    new OAuth2ResourceOwnerPasswordCredentials(`${context.base}/token`, 'user', CLIENT_SECRETS.password, { session, timeout: context.timeoutMs / 1000 }),
)

/** Every entry point, in a fixed order. */
export const ENTRY_POINTS: readonly EntryPoint[] = [
  codeGrant,
  passwordGrant,
  clientCredentials,
  refresh,
  rauthAccessToken,
  rauthRawAccessToken,
  oauth1RequestToken,
  oauth1AccessToken,
  handler,
  requestsAuthClientCredentials,
  requestsAuthPassword,
]
