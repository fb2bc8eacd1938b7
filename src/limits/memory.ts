import { type Backoff, backoffDelay, type RateLimiter, type Rule } from '../chat/limits.ts'
import { type Clock, systemClock } from '../clock.ts'

interface Bucket {
  tokens: number
  at: number
  /** When this entry may be dropped: its bucket is full again, or its attempts are forgotten. */
  until: number
}

interface Attempts {
  count: number
  at: number
  until: number
}

const SWEEP_MS = 60_000

/**
 * Token buckets and attempt counters in this process (the embedded default: one node). Each entry carries
 * the time its own rule lets it go, so a sweep started by a chat message never drops a sign-in limit early.
 * Timed by `clock`, read at every call (a test moves it between calls).
 */
export function memoryLimiter(
  clock: Clock = systemClock,
): RateLimiter & { close?(): Promise<void>; size(): number } {
  const buckets = new Map<string, Bucket>()
  const attempts = new Map<string, Attempts>()
  let sweepAt = clock.now()
  const sweep = (t: number) => {
    if (t - sweepAt < SWEEP_MS) return
    sweepAt = t
    for (const map of [buckets, attempts]) for (const [k, e] of map) if (e.until <= t) map.delete(k)
  }
  return {
    async take(key: string, rule: Rule) {
      const t = clock.now()
      sweep(t)
      const b = buckets.get(key) ?? { tokens: rule.capacity, at: t, until: t }
      b.tokens = Math.min(rule.capacity, b.tokens + ((t - b.at) / 1000) * rule.perSecond)
      b.at = t
      const ok = b.tokens >= 1
      if (ok) b.tokens -= 1
      b.until = t + ((rule.capacity - b.tokens) / rule.perSecond) * 1000
      buckets.set(key, b)
      return { ok, retryAfterMs: ok ? 0 : Math.ceil(((1 - b.tokens) / rule.perSecond) * 1000) }
    },
    async attempt(key: string, backoff: Backoff) {
      const t = clock.now()
      sweep(t)
      const a = attempts.get(key)
      const count = a && a.until > t ? a.count : 0
      const wait = a && count > 0 ? a.at + backoffDelay(count, backoff) - t : 0
      if (wait > 0) return { ok: false, retryAfterMs: wait }
      attempts.set(key, { count: count + 1, at: t, until: t + backoff.forgetMs })
      return { ok: true, retryAfterMs: 0 }
    },
    async forget(key: string) {
      attempts.delete(key)
    },
    size: () => buckets.size + attempts.size,
  }
}
