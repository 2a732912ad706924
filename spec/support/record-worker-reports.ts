import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

// Preloaded (NODE_OPTIONS=--import) into an example and the worker processes it forks, so a spec
// can read what each worker sends its parent over IPC, which the example never prints (tokens):
// every message a process sends is also written to `$RECORD_WORKER_REPORTS/<pid>.json`.
//
//   startExample('examples/shared-token-workers.ts', {
//     NODE_OPTIONS: `--import tsx --import ${RECORD_WORKER_REPORTS}`,
//     RECORD_WORKER_REPORTS: folder,
//   })

/** The absolute path of this module, for NODE_OPTIONS. */
export const RECORD_WORKER_REPORTS = import.meta.filename

const folder = process.env.RECORD_WORKER_REPORTS
const send = process.send?.bind(process)
if (folder !== undefined && send !== undefined) {
  process.send = ((message: unknown, ...rest: unknown[]) => {
    if (typeof message === 'object' && message !== null) writeFileSync(join(folder, `${process.pid}.json`), JSON.stringify(message))
    return (send as (...args: unknown[]) => boolean)(message, ...rest)
  }) as typeof process.send
}
