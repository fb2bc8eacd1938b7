import { isIPv6 } from 'node:net'
import { RateLimited } from './errors.ts'

/** A token bucket: `capacity` requests at once, refilled at `perSecond`. */
export interface Rule {
  capacity: number
  perSecond: number
}

/**
 * Growing delays (OWASP's answer to guessing, instead of a lockout): `free` attempts at once, then each
 * further one waits `firstDelayMs`, doubled at every attempt up to `maxDelayMs`. Forgotten after `forgetMs`
 * without an attempt, or at once by `forget` (a sign-in that succeeded).
 */
export interface Backoff {
  free: number
  firstDelayMs: number
  maxDelayMs: number
  forgetMs: number
}

export interface Rules {
  message: Rule
  /** Edits are pushed to the whole room like messages: their own bucket, the same numbers. */
  edit: Rule
  /** Sign-in attempts per address, over all accounts. */
  login: Rule
  /** Sign-in attempts per account and address: the guesser slows down, the owner elsewhere does not. */
  loginPair: Backoff
  /** Sign-in attempts per account from browsers that have not signed in to it before (no device cookie). */
  loginAccount: Rule
  /** Sign-ups per address: each one costs a 19 MiB Argon2id hash. */
  signup: Rule
}

/** The use cases' port for rate limits: in-process on one node, shared through Redis across nodes. */
export interface RateLimiter {
  /** Takes one token from `key`'s bucket: ok, or how long until one is back. */
  take(key: string, rule: Rule): Promise<{ ok: boolean; retryAfterMs: number }>
  /** Counts an attempt under `key` unless its delay has not passed yet: ok, or how long to wait. */
  attempt(key: string, backoff: Backoff): Promise<{ ok: boolean; retryAfterMs: number }>
  /** Forgets `key`'s attempts. */
  forget(key: string): Promise<void>
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

/** The delay before the attempt after `count` attempts (0 while they are free). */
export function backoffDelay(count: number, b: Backoff): number {
  if (count < b.free) return 0
  return Math.min(b.maxDelayMs, b.firstDelayMs * 2 ** Math.min(30, count - b.free))
}

/**
 * The key an address is limited by: an IPv4 address as is (also when written as ::ffff:a.b.c.d), an IPv6
 * address by its /64, the block one subscriber is usually given, so walking through it buys no new tries.
 */
export function addressKey(ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1]
  if (v4) return v4
  const bare = ip.replace(/%.*$/, '')
  if (!isIPv6(bare)) return ip
  const [head = '', tail = ''] = bare.includes('::') ? bare.split('::') : [bare, '']
  const h = head ? head.split(':') : []
  const t = tail ? tail.split(':') : []
  const groups = [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t]
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`
}
