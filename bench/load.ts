/**
 * The load generator, a process of its own: opens the sockets, sends for `seconds`, waits `graceMs`, and prints
 * one JSON line of results. Stdout lines: {"phase":"ready"} once every socket is open, then {"phase":"result"}.
 *   node --import tsx bench/load.ts '{"kind":"floor","url":"http://127.0.0.1:1234","shape":{...}}'
 */
import { type BenchSocket, connectFloor, connectParley, connectSocketIo, type Kind } from './clients.ts'
import type { LoadShape } from './options.ts'
import { castParley, pool } from './parley-setup.ts'
import { Tally } from './tally.ts'

interface LoadJob {
  kind: Kind
  url: string
  shape: LoadShape
}

const job = JSON.parse(process.argv[2] ?? '{}') as LoadJob
const { shape } = job
const now = () => performance.timeOrigin + performance.now()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const roomOf = (client: number) => client % shape.rooms
/** The first `senders` clients of each room send: clients 0 .. rooms × senders - 1. */
const isSender = (client: number) => client < shape.rooms * shape.senders

async function connectAll(tally: Tally): Promise<BenchSocket[]> {
  const cast = job.kind === 'parley' ? await castParley(job.url, shape) : undefined
  return pool(shape.clients, 25, async (i) => {
    const room = roomOf(i)
    const onText = (text: string) => tally.received(i, room, text, now())
    if (cast) return connectParley(cast.userOf(i, isSender(i)), cast.slugs[room] as string, onText)
    if (job.kind === 'socketio') return connectSocketIo(job.url, `r${room}`, onText)
    return connectFloor(job.url, `r${room}`, onText)
  })
}

async function main(): Promise<void> {
  const perRoom = Array.from({ length: shape.rooms }, (_, r) =>
    Array.from({ length: shape.clients }, (_, i) => i).filter((i) => roomOf(i) === r),
  )
  const tally = new Tally(perRoom.map((c) => c.length))
  const sockets = await connectAll(tally)
  await sleep(500) // let resumes and joins settle before the clock starts
  console.log(JSON.stringify({ phase: 'ready' }))
  const cpu0 = process.cpuUsage()
  const start = now()
  const end = start + shape.seconds * 1000
  const gap = 1000 / shape.rate
  const senders = sockets.slice(0, shape.rooms * shape.senders).map(async (socket, s) => {
    await sleep((gap * s) / (shape.rooms * shape.senders)) // spread the senders over one gap
    for (let n = 0; ; n++) {
      const due = start + n * gap
      if (due >= end) return
      const wait = due - now()
      if (wait > 0) await sleep(wait)
      tally.sent(roomOf(s))
      socket.send(`bench ${roomOf(s)} ${s}-${n} ${now().toFixed(3)}`)
    }
  })
  await Promise.all(senders)
  await sleep(shape.graceMs)
  tally.closed = true
  const loadCpu = process.cpuUsage(cpu0)
  for (const s of sockets) s.close()
  const result = tally.summary(shape.seconds)
  console.log(JSON.stringify({ phase: 'result', ...result, loadCpuS: (loadCpu.user + loadCpu.system) / 1e6 }))
  setTimeout(() => process.exit(0), 200)
}

main().catch((err: Error) => {
  console.error(`load: ${err.stack ?? err.message}`)
  process.exit(1)
})
