import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { addressKey } from '../../src/chat/limits.ts'
import { manualClock } from '../../src/clock.ts'
import { memoryLimiter } from '../../src/limits/memory.ts'

const login = { capacity: 10, perSecond: 10 / 900 }
const message = { capacity: 5, perSecond: 1 }

describe('in-process rate limiter', () => {
  it('judges each bucket by its own rule when a request of another rule sweeps', async () => {
    const clock = manualClock(1_000_000)
    const limiter = memoryLimiter(clock)
    for (let i = 0; i < 10; i++) assert.equal((await limiter.take('login:ip:x', login)).ok, true)
    assert.equal((await limiter.take('login:ip:x', login)).ok, false)
    clock.advance(61_000) // past the sweep interval: a message's take sweeps every bucket
    assert.equal((await limiter.take('msg:1', message)).ok, true)
    const after = await limiter.take('login:ip:x', login)
    assert.equal(after.ok, false, 'the sign-in bucket was not forgotten')
    assert.ok(after.retryAfterMs > 20_000, `${after.retryAfterMs} ms`)
  })

  it('forgets a bucket once it is full again, whatever rule sweeps', async () => {
    const clock = manualClock(0)
    const limiter = memoryLimiter(clock)
    await limiter.take('msg:1', message)
    clock.advance(61_000)
    await limiter.take('login:ip:y', login)
    assert.equal(limiter.size?.(), 1, 'only the sign-in bucket is left')
  })

  it('gives free attempts, then growing delays up to a cap, and forgets on success', async () => {
    const clock = manualClock(0)
    const limiter = memoryLimiter(clock)
    const b = { free: 2, firstDelayMs: 1000, maxDelayMs: 3000, forgetMs: 60_000 }
    assert.equal((await limiter.attempt('k', b)).ok, true)
    assert.equal((await limiter.attempt('k', b)).ok, true)
    const waits: number[] = []
    for (let i = 0; i < 4; i++) {
      const refused = await limiter.attempt('k', b)
      assert.equal(refused.ok, false)
      waits.push(refused.retryAfterMs)
      clock.advance(refused.retryAfterMs)
      assert.equal((await limiter.attempt('k', b)).ok, true, 'allowed once the delay has passed')
    }
    assert.deepEqual(waits, [1000, 2000, 3000, 3000], 'doubling, capped')
    assert.equal((await limiter.attempt('other', b)).ok, true, 'keys are apart')
    await limiter.forget('k')
    assert.equal((await limiter.attempt('k', b)).ok, true, 'forgotten')
    clock.advance(61_000)
    await limiter.attempt('x', b) // sweeps
    assert.equal(limiter.size(), 1, 'idle attempts are forgotten after forgetMs: only x is left')
  })

  it('limits an IPv6 address by its /64, an IPv4 one as is', () => {
    assert.equal(addressKey('203.0.113.7'), '203.0.113.7')
    assert.equal(addressKey('::ffff:203.0.113.7'), '203.0.113.7')
    assert.equal(addressKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64')
    assert.equal(addressKey('2001:db8:1:2::ffff'), '2001:db8:1:2::/64')
    assert.equal(addressKey('2001:0db8::1'), '2001:db8:0:0::/64')
    assert.equal(addressKey('::1'), '0:0:0:0::/64')
    assert.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64')
  })
})
