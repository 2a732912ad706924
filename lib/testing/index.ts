export { startSandbox, type Sandbox, type SandboxOptions } from './sandbox.js'
export type { EchoBody } from './sandbox-echo.js'
