/**
 * One Node client of the benchmark report in a process of its own (bench/report.ts forks one per
 * client): it makes the client named in argv for the URL there, warms it up, then answers each
 * `{ inFlight, requests }` message (after a fifth as many requests not counted) with `{ rate, cpu }` (requests per second, and this process's
 * CPU microseconds per request). It exits when the report disconnects.
 */
import { lastCpuPerRequest, measure } from './bench-kit.js'
import { CLIENTS } from './report-clients.js'

const WARM_UP = 8000
const [name = '', url = ''] = process.argv.slice(2)
const make = CLIENTS[name]
if (make === undefined) throw new Error(`no bench client named ${JSON.stringify(name)}`)
const client = await make(url)
// Long enough for V8 to optimize the hot path: for thousands of requests more, got and the Session ran 2-3x
// dearer (the optimizing compiler's thread counts in this process's CPU), after a warm-up of 500.
await measure(client.call, 1, WARM_UP / 10)
await measure(client.call, 8, WARM_UP)
process.on('message', async (message: { inFlight: number; requests: number }) => {
  // A few requests first, not counted: a worker comes back after seconds idle (the others' turns), its caches cold.
  await measure(client.call, message.inFlight, Math.ceil(message.requests / 5))
  const rate = await measure(client.call, message.inFlight, message.requests)
  process.send?.({ rate, cpu: lastCpuPerRequest })
})
process.on('disconnect', async () => {
  await client.close()
  process.exit(0)
})
process.send?.('ready')
