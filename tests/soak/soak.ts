/**
 * Soak test (not part of `npm test`): one real Parley process, many real sockets for a while, then checks that
 * the database holds exactly the accepted messages, memory came back down, and nothing was logged as an error.
 *   npm run soak -- --clients 500 --minutes 5 --rooms 10     (the defaults; --seconds N for a quick run)
 */
import { isolatedEnv } from '../support/app.ts'
import { primaryBackend } from '../support/backends.ts'
import { HttpUser } from '../support/http.ts'
import { type NodeProcess, spawnParley } from '../support/process.ts'
import { SoakClient } from './client.ts'
import { type SoakOptions, soakOptions } from './options.ts'
import { checkStored, isAlive, logProblems, rssMb, stopServer, watchPeak } from './server.ts'
import { failures, printSummary, type RunFacts, Tally } from './tally.ts'
import { sleep } from './traffic.ts'

const SIGNUP_CONCURRENCY = 8
const CONNECT_CONCURRENCY = 25
/** How long the server gets to settle after the last client left, before its memory is measured. */
const SETTLE_MS = 30_000

const log = (text: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${text}`)

/** Runs `task` over `items`, at most `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, task: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await task(items[i] as T, i)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/** The first account is the admin: it makes the rooms. The others sign up 8 at a time (hashing is slow). */
async function setUp(url: string, opts: SoakOptions): Promise<{ users: HttpUser[]; slugs: string[] }> {
  const admin = await HttpUser.signUp(url, 'soak_0')
  const slugs: string[] = []
  for (let r = 1; r <= opts.rooms; r++) {
    const res = await admin.post('/rooms', { name: `Soak ${r}`, topic: 'soak test' })
    if (res.status !== 303 || !res.location) throw new Error(`creating room ${r} failed with ${res.status}`)
    slugs.push(res.location.replace('/rooms/', ''))
  }
  const names = Array.from({ length: opts.clients - 1 }, (_, i) => `soak_${i + 1}`)
  const others = await pool(names, SIGNUP_CONCURRENCY, (name) => HttpUser.signUp(url, name))
  return { users: [admin, ...others], slugs }
}

function progress(tally: Tally, pid: number, until: number): NodeJS.Timeout {
  return setInterval(() => {
    const t = tally
    const seconds = Math.max(0, Math.round((until - Date.now()) / 1000))
    log(
      `${seconds} s left: sent ${t.sent}, accepted ${t.accepted}, ` +
        `slowed ${t.rateLimited}, reconnects ${t.reconnects}, frames ${t.framesIn}, RSS ${rssMb(pid).toFixed(0)} MB`,
    )
  }, 10_000)
}

async function soak(
  opts: SoakOptions,
  node: NodeProcess,
  env: Record<string, string>,
  tally: Tally,
): Promise<RunFacts> {
  const pid = node.child.pid ?? 0
  log(`server ${node.url} (pid ${pid}); signing up ${opts.clients} users, making ${opts.rooms} rooms`)
  const { users, slugs } = await setUp(node.url, opts)
  const startMb = rssMb(pid)
  const peak = watchPeak(pid)
  log(`RSS at start ${startMb.toFixed(0)} MB; opening ${opts.clients} sockets`)
  const clients = users.map(
    (user, i) => new SoakClient(user, `soak_${i}`, slugs[i % slugs.length] as string, tally),
  )
  await pool(clients, CONNECT_CONCURRENCY, (c) => c.connect())
  const until = Date.now() + opts.seconds * 1000
  log(`all sockets open; running for ${opts.seconds} s`)
  const ticker = progress(tally, pid, until)
  await Promise.all(clients.map((c) => c.run(until)))
  clearInterval(ticker)
  await pool(clients, CONNECT_CONCURRENCY, (c) => c.close())
  tally.gaps = clients.reduce((sum, c) => sum + c.gaps(), 0)
  log(`all clients disconnected; waiting ${SETTLE_MS / 1000} s before measuring memory`)
  await sleep(SETTLE_MS)
  const afterMb = rssMb(pid)
  peak.stop()
  const aliveAtEnd = isAlive(node)
  await stopServer(node)
  const { errors, warnings } = logProblems(node)
  const stored = await checkStored(env, tally)
  const memory = { startMb, peakMb: Math.max(startMb, peak.peak(), afterMb), afterMb }
  const backend = env.DATABASE_URL ? 'postgres+redis' : 'pglite+memory'
  return { ...opts, backend, logErrors: errors, logWarnings: warnings, aliveAtEnd, memory, stored }
}

async function main(): Promise<number> {
  const opts = soakOptions()
  const { env, cleanup } = await isolatedEnv(primaryBackend())
  // The per-person limits as shipped (the test env lifts them); but every client comes from 127.0.0.1, so
  // the per-address socket cap is lifted instead, and so are the per-address sign-ups (LOGINS_PER_15M).
  for (const name of ['MESSAGE_BURST', 'MESSAGES_PER_10S']) delete env[name]
  env.SOCKETS_PER_IP = String(opts.clients * 2 + 10)
  const node = await spawnParley(env)
  try {
    const tally = new Tally()
    const facts = await soak(opts, node, env, tally)
    const failed = failures(tally, facts)
    printSummary(tally, facts, failed)
    return failed.length === 0 ? 0 : 1
  } finally {
    await stopServer(node)
    await cleanup()
  }
}

// Exit outright: a stray timer or socket of a failed run must not keep the process (and CI) waiting.
process.exit(await main())
