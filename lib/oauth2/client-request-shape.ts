import { lazySchema } from '../http/lazy-schema.js'
import { requestOptionsSchema } from '../http/session-options.js'

/**
 * The zod shape of {@link ClientRequestOptions}, spread into the option schemas of revocation,
 * introspection, token exchange and pushed authorization requests: how the client authenticates
 * for the call, and the request's headers, timeout and signal.
 *
 * @internal
 */
export const clientRequestShape = lazySchema((z) => ({
  auth: requestOptionsSchema().shape.auth,
  includeClientId: z.boolean().optional(),
  clientSecret: z.string().optional(),
  headers: requestOptionsSchema().shape.headers,
  timeout: requestOptionsSchema().shape.timeout,
  signal: requestOptionsSchema().shape.signal,
}))
