/**
 * The history scenario's clocks: a closed-loop HTTP load (N requests always in flight), a function timed call
 * by call, and a socket resume timed until its catch-up is on the page. Each is capped in time, so a database
 * where one request takes many seconds gives a (bad) figure instead of a hung bench.
 */
import type pg from 'pg'
import type { HttpUser } from '../../tests/support/http.ts'
import { openSocket, pushedSeqs } from '../../tests/support/socket.ts'

export interface LoadFigures {
  perS: number
  p50: number
  p99: number
  ok: number
  failed: number
  /** What the failures were: "503 ×12", "timeout ×3"… */
  failures: Record<string, number>
}

export const quantile = (sorted: number[], q: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number) : Number.NaN

/** `concurrency` loops GETting `path` for `seconds`; a request is given up after `capMs`. */
export async function closedLoop(
  base: string,
  path: string,
  cookie: string | undefined,
  o: { concurrency: number; seconds: number; capMs: number },
): Promise<LoadFigures> {
  const times: number[] = []
  const failures: Record<string, number> = {}
  const fail = (why: string) => {
    failures[why] = (failures[why] ?? 0) + 1
  }
  const started = performance.now()
  const end = started + o.seconds * 1000
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = performance.now()
      try {
        const res = await fetch(new URL(path, base), {
          headers: cookie ? { cookie } : {},
          redirect: 'manual',
          signal: AbortSignal.timeout(o.capMs),
        })
        await res.text()
        if (res.status === 200) times.push(performance.now() - t0)
        else fail(String(res.status))
      } catch (err) {
        fail((err as Error).name === 'TimeoutError' ? 'timeout' : 'error')
      }
    }
  }
  await Promise.all(Array.from({ length: o.concurrency }, worker))
  const elapsedS = (performance.now() - started) / 1000
  times.sort((a, b) => a - b)
  return {
    perS: times.length / elapsedS,
    p50: quantile(times, 0.5),
    p99: quantile(times, 0.99),
    ok: times.length,
    failed: Object.values(failures).reduce((a, b) => a + b, 0),
    failures,
  }
}

/**
 * Waits (at most `capMs`) until no statement that started before now is still running in Postgres: a request
 * the app gave up on (its pool wait timed out) leaves its statement running, and that would slow the next
 * measurement down. Any other client of the same server counts too; the cap bounds that.
 */
export async function settle(sql: pg.Client, capMs: number): Promise<void> {
  const end = Date.now() + capMs
  const q = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid()
    AND backend_type = 'client backend' AND query_start < $1`
  const since = new Date()
  while (Date.now() < end && ((await sql.query<{ n: number }>(q, [since])).rows[0]?.n ?? 0) > 0)
    await new Promise((resolve) => setTimeout(resolve, 200))
}

/** Calls `fn` up to `calls` times one after another, stopping early after `capMs`; ms per call, sorted. */
export async function timeCalls(fn: () => Promise<unknown>, calls: number, capMs: number): Promise<number[]> {
  const times: number[] = []
  const end = performance.now() + capMs
  while (times.length < calls && (times.length < 3 || performance.now() < end)) {
    const t0 = performance.now()
    await fn()
    times.push(performance.now() - t0)
  }
  return times.sort((a, b) => a - b)
}

export interface ResumeTimes {
  /** Until the frame carrying the room's newest seq arrived: the page is caught up. */
  caughtUpMs: number
  /** Until the first sidebar entry arrived (the socket's exact counts, read in parallel with the catch-up). */
  sidebarMs: number
}

/**
 * Opens the room socket as `user`, resumes from `fromSeq`, and times until the frame carrying `lastSeq` has
 * arrived (as tests/integration/catch-up.test.ts waits for the replayed seqs): the page is caught up then,
 * whether the server replayed the gap or, past its replay limit, re-rendered the latest page. Also times the
 * socket's first sidebar entry (NaN if none came within `capMs`).
 */
export async function timeResume(
  user: HttpUser,
  slug: string,
  fromSeq: number,
  lastSeq: number,
  capMs: number,
): Promise<ResumeTimes> {
  const t0 = performance.now()
  const socket = await openSocket(user, slug, { lastSeq: fromSeq })
  let sidebarMs = Number.NaN
  const side = socket
    .waitFor(() => socket.extras.some((x) => x.includes('hx-target="#side-')), 'a sidebar entry', capMs)
    .then(() => {
      sidebarMs = performance.now() - t0
    })
    .catch(() => {})
  try {
    await socket.waitFor(() => pushedSeqs(socket).includes(lastSeq), `seq ${lastSeq}`, capMs)
    const caughtUpMs = performance.now() - t0
    await side
    return { caughtUpMs, sidebarMs }
  } finally {
    socket.ws.terminate()
  }
}
