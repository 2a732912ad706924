export { startSandbox, type Sandbox, type SandboxOptions } from './sandbox.js'
export type { EchoBody } from './sandbox-echo.js'
export type { SandboxOAuth1, SandboxOAuth1Options } from './sandbox-oauth1.js'
export type { SandboxOAuth2 } from './sandbox-oauth2.js'
