/**
 * The time that limits and expiries are judged by (sessions, reset links, device cookies, the in-process rate
 * limiter). Passed in with the other dependencies, never read from a global, so a test can say "two seconds
 * later" with `advance(2000)` instead of sleeping two seconds. Redis-backed limits are timed by Redis's own
 * clock (limits/redis-scripts.ts) so that every node agrees: no Clock reaches them.
 */
export interface Clock {
  /** Milliseconds since the epoch, as Date.now(). */
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

/** A clock that stands still until told to move: time passes only by `advance` (tests). */
export interface ManualClock extends Clock {
  advance(ms: number): void
}

/**
 * Starts at `start`, by default the real time now, so that what is still timed by the real clock (socket
 * timers in realtime/, Postgres defaults) agrees with it until a test moves it on.
 */
export function manualClock(start = Date.now()): ManualClock {
  let t = start
  return {
    now: () => t,
    advance(ms: number) {
      if (!(ms >= 0)) throw new Error(`a clock only moves forward (asked to move ${ms} ms)`)
      t += ms
    },
  }
}
