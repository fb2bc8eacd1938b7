import { Redis } from 'ioredis'
import type { RateLimiter } from '../chat/limits.ts'
import type { Logger } from '../log.ts'

// One atomic token-bucket step, timed by Redis's own clock so that every node agrees.
const TAKE = `
local capacity, rate = tonumber(ARGV[1]), tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or capacity
local at = tonumber(b[2]) or now
tokens = math.min(capacity, tokens + (now - at) / 1000 * rate)
local ok, wait = 0, 0
if tokens >= 1 then tokens = tokens - 1; ok = 1 else wait = math.ceil((1 - tokens) / rate * 1000) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000) + 1000)
return {ok, wait}
`

/**
 * Token buckets shared by every node through Redis. If Redis does not answer, the request is let through:
 * a Redis outage must not stop people from chatting (and is logged).
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
  // Sent once, then called by its hash (ioredis loads it again if Redis restarted).
  redis.defineCommand('takeToken', { numberOfKeys: 1, lua: TAKE })
  const takeToken = (
    redis as unknown as { takeToken(key: string, cap: number, rate: number): Promise<[number, number]> }
  ).takeToken.bind(redis)
  await redis.connect()
  return {
    async take(key, rule) {
      try {
        const [ok, wait] = await takeToken(`${prefix}rate:${key}`, rule.capacity, rule.perSecond)
        return { ok: ok === 1, retryAfterMs: wait }
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'rate limit unavailable; allowing')
        return { ok: true, retryAfterMs: 0 }
      }
    },
    async close() {
      await redis.quit().catch(() => {})
    },
  }
}
