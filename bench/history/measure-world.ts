/** Every figure of the history scenario, measured on one seeded world. */
import { sidebar } from '../../src/chat/sidebar.ts'
import type { Log } from '../attempt.ts'
import { SEARCH_WORD } from './bodies.ts'
import { viewerOf } from './plans.ts'
import { BENCH_ROOM } from './shape.ts'
import {
  closedLoop,
  type LoadFigures,
  quantile,
  type ResumeTimes,
  settle,
  timeCalls,
  timeResume,
} from './timing.ts'
import type { World } from './world.ts'

export interface HistoryRow {
  messages: number
  seedS: number
  page: LoadFigures
  sidebarMedian: number
  sidebarP99: number
  sidebarCalls: number
  search: LoadFigures
  resumeMedian: number
  /** Until the resumed socket's sidebar entries came (its exact unread counts). */
  resumeSidebarMedian: number
  login: LoadFigures
}

export interface HistoryLoad {
  concurrency: number
  seconds: number
  warmupS: number
}

/** A request still unanswered after this long counts as failed (at 1M, today's sidebar can take seconds). */
const CAP_MS = 60_000
const SIDEBAR_CALLS = 50
/** Sidebar calls stop after this long (at least 3 are made), so a slow one does not take minutes. */
const SIDEBAR_CAP_MS = 20_000
const RESUMES = 5
/** The gap a resume fills: the server's replay limit (REPLAY_LIMIT), so this is its "fresh page" path. */
export const MISSED = 500

async function load(w: World, path: string, signedIn: boolean, l: HistoryLoad): Promise<LoadFigures> {
  const cookie = signedIn ? w.viewer.cookieHeader : undefined
  // Unmeasured: lets the server compile its hot path and Postgres warm its caches.
  await closedLoop(w.url, path, cookie, { concurrency: 2, seconds: l.warmupS, capMs: CAP_MS })
  return closedLoop(w.url, path, cookie, { concurrency: l.concurrency, seconds: l.seconds, capMs: CAP_MS })
}

/** RESUMES resumes, one after another: the median until caught up, and until the sidebar came. */
async function resumeTimes(w: World): Promise<{ caughtUp: number; sidebar: number }> {
  const times: ResumeTimes[] = []
  for (let i = 0; i < RESUMES; i++)
    times.push(await timeResume(w.viewer, BENCH_ROOM, w.lastSeq - MISSED, w.lastSeq, CAP_MS))
  const median = (pick: (t: ResumeTimes) => number) =>
    quantile(
      times.map(pick).sort((a, b) => a - b),
      0.5,
    )
  return { caughtUp: median((t) => t.caughtUpMs), sidebar: median((t) => t.sidebarMs) }
}

export async function measureWorld(w: World, l: HistoryLoad, log: Log): Promise<HistoryRow> {
  const n = w.seeded.messages
  // Cheapest first: a load the server cannot keep up with leaves statements running behind it (see settle).
  log(`history ${n}: sign-in page`)
  const login = await load(w, '/login', false, l)
  log(`history ${n}: ${RESUMES} resumes after ${MISSED} missed messages`)
  const resumes = await resumeTimes(w)
  log(`history ${n}: sidebar, up to ${SIDEBAR_CALLS} calls`)
  const viewer = viewerOf(w)
  const side = await timeCalls(() => sidebar(w.db, viewer), SIDEBAR_CALLS, SIDEBAR_CAP_MS)
  log(`history ${n}: room page, ${l.concurrency} concurrent for ${l.seconds} s`)
  // Always the same room: opening it marks it read, the other 199 stay far behind (the worst case).
  const page = await load(w, `/rooms/${BENCH_ROOM}`, true, l)
  await settle(w.sql, CAP_MS)
  log(`history ${n}: search "${SEARCH_WORD}"`)
  const search = await load(w, `/search?q=${SEARCH_WORD}`, true, l)
  await settle(w.sql, CAP_MS)
  return {
    messages: n,
    seedS: w.seeded.seconds,
    page,
    sidebarMedian: quantile(side, 0.5),
    sidebarP99: quantile(side, 0.99),
    sidebarCalls: side.length,
    search,
    resumeMedian: resumes.caughtUp,
    resumeSidebarMedian: resumes.sidebar,
    login,
  }
}
