import { Redis } from 'ioredis'
import type { Backoff, RateLimiter, Rule } from '../chat/limits.ts'
import type { Logger } from '../log.ts'
import { ATTEMPT, TAKE } from './redis-scripts.ts'

type Scripted = {
  takeToken(key: string, cap: number, rate: number): Promise<[number, number]>
  attemptAt(key: string, free: number, first: number, max: number, forget: number): Promise<[number, number]>
}

/**
 * Token buckets and attempt counters shared by every node through Redis. If Redis does not answer, the
 * request is let through: a Redis outage must not stop people from chatting (and is logged). It takes no
 * Clock: the scripts read Redis's own time, the one clock every node shares (so tests against it wait).
 */
export async function redisLimiter(
  url: string,
  prefix: string,
  log: Logger,
): Promise<RateLimiter & { close(): Promise<void> }> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectionName: 'parley-limits',
    enableOfflineQueue: false,
    commandTimeout: 500,
  })
  redis.on('error', (err: Error) => log.debug({ err: err.message }, 'rate-limit redis error'))
  // Sent once, then called by their hash (ioredis loads them again if Redis restarted).
  redis.defineCommand('takeToken', { numberOfKeys: 1, lua: TAKE })
  redis.defineCommand('attemptAt', { numberOfKeys: 1, lua: ATTEMPT })
  const scripts = redis as unknown as Scripted
  await redis.connect()
  const allowing = (err: unknown) => {
    log.warn({ err: (err as Error).message }, 'rate limit unavailable; allowing')
    return { ok: true, retryAfterMs: 0 }
  }
  return {
    async take(key: string, rule: Rule) {
      try {
        const [ok, wait] = await scripts.takeToken(`${prefix}rate:${key}`, rule.capacity, rule.perSecond)
        return { ok: ok === 1, retryAfterMs: wait }
      } catch (err) {
        return allowing(err)
      }
    },
    async attempt(key: string, b: Backoff) {
      try {
        const k = `${prefix}tries:${key}`
        const [ok, wait] = await scripts.attemptAt(k, b.free, b.firstDelayMs, b.maxDelayMs, b.forgetMs)
        return { ok: ok === 1, retryAfterMs: wait }
      } catch (err) {
        return allowing(err)
      }
    },
    async forget(key: string) {
      await redis.del(`${prefix}tries:${key}`).catch((err: Error) => allowing(err))
    },
    async close() {
      await redis.quit().catch(() => {})
    },
  }
}
