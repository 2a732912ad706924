/**
 * One Node client of the benchmark report in a process of its own (bench/report.ts forks one per
 * client): it makes the client named in argv for the URL there, warms it up, then answers each
 * `{ inFlight, requests }` message with `{ rate, cpu }` (requests per second, and this process's
 * CPU microseconds per request). It exits when the report disconnects.
 */
import { lastCpuPerRequest, measure } from './bench-kit.js'
import { CLIENTS } from './report-clients.js'

const [name = '', url = ''] = process.argv.slice(2)
const make = CLIENTS[name]
if (make === undefined) throw new Error(`no bench client named ${JSON.stringify(name)}`)
const client = await make(url)
await measure(client.call, 8, 500)
process.on('message', async (message: { inFlight: number; requests: number }) => {
  const rate = await measure(client.call, message.inFlight, message.requests)
  process.send?.({ rate, cpu: lastCpuPerRequest })
})
process.on('disconnect', async () => {
  await client.close()
  process.exit(0)
})
process.send?.('ready')
