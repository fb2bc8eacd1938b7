/**
 * The time that limits, expiries, throttles and timers are judged by (sessions, reset links, device cookies, the
 * in-process rate limiter, and realtime/'s read-mark and typing throttles and the socket's end with its session).
 * Passed in with the other dependencies, never read from a global, so a test can say "two seconds later" with
 * `advance(2000)` instead of sleeping two seconds. Redis-backed limits are timed by Redis's own clock
 * (limits/redis-scripts.ts) so that every node agrees: no Clock reaches them.
 */
export interface Clock {
  /** Milliseconds since the epoch, as Date.now(). */
  now(): number
  /** Runs `fn` once, `ms` from now (a negative wait is none); returns what cancels it (harmless once run). */
  after(ms: number, fn: () => void): () => void
}

/** Node fires a longer timeout at once (it overflows 32 bits): a far timer is waited for in steps. */
export const MAX_TIMER_MS = 2 ** 31 - 1

/** The real time. Its timers never keep the process alive (unref), as a server's own timers should not. */
export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    let timer: NodeJS.Timeout
    const wait = (left: number) => {
      timer = setTimeout(
        () => (left > MAX_TIMER_MS ? wait(left - MAX_TIMER_MS) : fn()),
        Math.min(left, MAX_TIMER_MS),
      )
      timer.unref()
    }
    wait(Math.max(0, ms))
    return () => clearTimeout(timer)
  },
}

/** A clock that stands still until told to move: time passes only by `advance` (tests). */
export interface ManualClock extends Clock {
  /** Moves on by `ms`, running every timer that falls due on the way, in time order, each at its own time. */
  advance(ms: number): void
}

interface Timer {
  at: number
  fn: () => void
}

/** The earliest timer due by `until`; of timers due together, the first set (a Set keeps insertion order). */
function firstDue(timers: Set<Timer>, until: number): Timer | undefined {
  let first: Timer | undefined
  for (const timer of timers) if (timer.at <= until && (!first || timer.at < first.at)) first = timer
  return first
}

/**
 * Starts at `start`, by default the real time now, so that what is still timed by the real clock (the heartbeat
 * and other realtime/ intervals, Postgres defaults) agrees with it until a test moves it on.
 */
export function manualClock(start = Date.now()): ManualClock {
  let t = start
  const timers = new Set<Timer>()
  return {
    now: () => t,
    after(ms, fn) {
      const timer = { at: t + Math.max(0, ms), fn }
      timers.add(timer)
      return () => timers.delete(timer)
    },
    advance(ms: number) {
      if (!(ms >= 0)) throw new Error(`a clock only moves forward (asked to move ${ms} ms)`)
      const target = t + ms
      // A timer set by a running timer runs too if it falls due within the span (never before its setter's time).
      for (let timer = firstDue(timers, target); timer; timer = firstDue(timers, target)) {
        timers.delete(timer)
        t = timer.at
        timer.fn()
      }
      t = target
    },
  }
}
