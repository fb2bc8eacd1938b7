import type { RateLimiter } from '../chat/limits.ts'

interface Bucket {
  tokens: number
  at: number
}

/** Token buckets in this process (the embedded default: one node). Full buckets are forgotten. */
export function memoryLimiter(now: () => number = Date.now): RateLimiter & { close?(): Promise<void> } {
  const buckets = new Map<string, Bucket>()
  let sweepAt = now()
  return {
    async take(key, rule) {
      const t = now()
      if (t - sweepAt > 60_000) {
        sweepAt = t
        for (const [k, b] of buckets)
          if (b.tokens + ((t - b.at) / 1000) * rule.perSecond >= rule.capacity) buckets.delete(k)
      }
      const b = buckets.get(key) ?? { tokens: rule.capacity, at: t }
      b.tokens = Math.min(rule.capacity, b.tokens + ((t - b.at) / 1000) * rule.perSecond)
      b.at = t
      buckets.set(key, b)
      if (b.tokens >= 1) {
        b.tokens -= 1
        return { ok: true, retryAfterMs: 0 }
      }
      return { ok: false, retryAfterMs: Math.ceil(((1 - b.tokens) / rule.perSecond) * 1000) }
    },
  }
}
