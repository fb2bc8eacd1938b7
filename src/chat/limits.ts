import { RateLimited } from './errors.ts'

/** A token bucket: `capacity` requests at once, refilled at `perSecond`. */
export interface Rule {
  capacity: number
  perSecond: number
}

export interface Rules {
  message: Rule
  login: Rule
}

/** The use cases' port for rate limits: in-process on one node, shared through Redis across nodes. */
export interface RateLimiter {
  /** Takes one token from `key`'s bucket: ok, or how long until one is back. */
  take(key: string, rule: Rule): Promise<{ ok: boolean; retryAfterMs: number }>
}

export async function takeOrThrow(
  limiter: RateLimiter,
  key: string,
  rule: Rule,
  message: (secs: number) => string,
) {
  const { ok, retryAfterMs } = await limiter.take(key, rule)
  if (!ok) throw new RateLimited(message(Math.max(1, Math.ceil(retryAfterMs / 1000))), retryAfterMs)
}
