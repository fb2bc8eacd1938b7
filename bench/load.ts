/**
 * The load generator, a process of its own: opens the sockets, sends for `seconds`, waits `graceMs`, and prints
 * one JSON line of results. Stdout lines: {"phase":"cast"} once accounts and rooms exist (before any socket),
 * {"phase":"open"} once every socket is open and `settleMs` has passed, {"phase":"ready"} after `warmupS` of
 * unmeasured sending (the clock starts there), then {"phase":"result"}.
 *   node --import tsx bench/load.ts '{"kind":"floor","urls":["http://127.0.0.1:1234"],"shape":{...}}'
 */
import {
  type BenchSocket,
  connectFloor,
  connectParley,
  connectSocketIo,
  type Handlers,
  type Kind,
} from './clients.ts'
import type { LoadShape } from './options.ts'
import { castParley, pool } from './parley-setup.ts'
import { Tally } from './tally.ts'

interface LoadJob {
  kind: Kind
  /** One URL per server node; clients and senders are spread over them. */
  urls: string[]
  shape: LoadShape
}

const job = JSON.parse(process.argv[2] ?? '{}') as LoadJob
const { shape } = job
const now = () => performance.timeOrigin + performance.now()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const say = (msg: object) => console.log(JSON.stringify(msg))
const roomOf = (client: number) => client % shape.rooms
/** The first `senders` clients of each room send: clients 0 .. rooms × senders - 1. */
const isSender = (client: number) => client < shape.rooms * shape.senders
/**
 * Client i's node. Offsetting by room splits every room over the nodes, senders included: with one sender
 * per room, the senders of even rooms sit on node 0 and those of odd rooms on node 1.
 */
const nodeOf = (client: number) => (Math.floor(client / shape.rooms) + roomOf(client)) % job.urls.length
/** Sources 127.0.0.2 … 127.0.0.17 when the server is on loopback (see clients.ts). */
const SOURCES = 16
const sourceOf = (client: number, url: string) =>
  new URL(url).hostname === '127.0.0.1' ? `127.0.0.${2 + (client % SOURCES)}` : undefined

/** Opens every socket; `connectS` counts from the first socket, after the accounts and rooms exist. */
async function connectAll(tally: Tally): Promise<{ sockets: BenchSocket[]; connectS: number }> {
  const cast = job.kind === 'parley' ? await castParley(job.urls[0] as string, shape) : undefined
  say({ phase: 'cast' })
  const connecting = now()
  const sockets = await pool(shape.clients, 25, async (i) => {
    const room = roomOf(i)
    const url = job.urls[nodeOf(i)] as string
    const from = sourceOf(i, url)
    const on: Handlers = {
      text: (text) => tally.received(i, room, text, now()),
      gone: (why) => tally.gone(why),
    }
    if (cast) return connectParley(url, cast.userOf(i, isSender(i)), cast.slugs[room] as string, on, from)
    if (job.kind === 'socketio') return connectSocketIo(url, `r${room}`, on, from)
    return connectFloor(url, `r${room}`, on, from)
  })
  return { sockets, connectS: (now() - connecting) / 1000 }
}

/**
 * Each sender sends at `rate` for `seconds`, its first send spread over one gap so senders do not beat together.
 * Warm-up messages say "warm" instead of "bench": the tally counts them as foreign, not as sent or delivered.
 */
async function send(
  sockets: BenchSocket[],
  tally: Tally,
  seconds: number,
  word: 'bench' | 'warm',
): Promise<void> {
  const start = now()
  const end = start + seconds * 1000
  const gap = 1000 / shape.rate
  const count = shape.rooms * shape.senders
  const senders = sockets.slice(0, count).map(async (socket, s) => {
    await sleep((gap * s) / count)
    for (let n = 0; ; n++) {
      const due = start + n * gap
      if (due >= end) return
      const wait = due - now()
      if (wait > 0) await sleep(wait)
      if (word === 'bench') tally.sent(roomOf(s))
      socket.send(`${word} ${roomOf(s)} ${s}-${n} ${now().toFixed(3)}`)
    }
  })
  await Promise.all(senders)
}

async function main(): Promise<void> {
  const perRoom = Array.from({ length: shape.rooms }, (_, r) =>
    Array.from({ length: shape.clients }, (_, i) => i).filter((i) => roomOf(i) === r),
  )
  const tally = new Tally(perRoom.map((c) => c.length))
  const { sockets, connectS } = await connectAll(tally)
  await sleep(shape.settleMs) // let resumes and joins settle before anything is read or sent
  say({ phase: 'open', connectS })
  const sending = shape.seconds > 0 && shape.senders > 0
  // A cold server (every step starts one) first compiles its hot paths: that is not its steady state.
  if (sending && shape.warmupS > 0) await send(sockets, tally, shape.warmupS, 'warm')
  say({ phase: 'ready' })
  const cpu0 = process.cpuUsage()
  if (sending) {
    await send(sockets, tally, shape.seconds, 'bench')
    await sleep(shape.graceMs)
  }
  tally.closed = true
  const loadCpu = process.cpuUsage(cpu0)
  for (const s of sockets) s.close()
  const result = tally.summary(shape.seconds)
  say({ phase: 'result', ...result, connectS, loadCpuS: (loadCpu.user + loadCpu.system) / 1e6 })
  setTimeout(() => process.exit(0), 200)
}

main().catch((err: Error) => {
  console.error(`load: ${err.stack ?? err.message}`)
  process.exit(1)
})
