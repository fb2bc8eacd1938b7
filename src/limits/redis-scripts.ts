// The limiter's atomic steps, timed by Redis's own clock so that every node agrees.

/** One token-bucket step: KEYS[1] the bucket; ARGV capacity, refill per second. Returns {ok, waitMs}. */
export const TAKE = `
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
 * One attempt under growing delays (chat/limits.ts Backoff): KEYS[1] the counter; ARGV free, first delay,
 * longest delay, forget after (ms). Counts the attempt unless its delay has not passed. Returns {ok, waitMs}.
 */
export const ATTEMPT = `
local free, first, longest, forget = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local a = redis.call('HMGET', KEYS[1], 'count', 'at')
local count = tonumber(a[1]) or 0
local at = tonumber(a[2]) or now
if count >= free then
  local delay = math.min(longest, first * 2 ^ math.min(30, count - free))
  local wait = at + delay - now
  if wait > 0 then return {0, math.ceil(wait)} end
end
redis.call('HSET', KEYS[1], 'count', count + 1, 'at', now)
redis.call('PEXPIRE', KEYS[1], forget)
return {1, 0}
`
