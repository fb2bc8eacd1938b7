import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MAX_TIMER_MS, manualClock, systemClock } from '../../src/clock.ts'

describe('clocks', () => {
  it('a manual clock stands still until advanced, and only moves forward', () => {
    const clock = manualClock(1000)
    assert.equal(clock.now(), 1000)
    assert.equal(clock.now(), 1000, 'no time passes by itself')
    clock.advance(2000)
    assert.equal(clock.now(), 3000, 'two seconds later')
    assert.throws(() => clock.advance(-1), /only moves forward/)
    assert.throws(() => clock.advance(Number.NaN), /only moves forward/)
    assert.equal(clock.now(), 3000)
  })

  it('a manual clock starts at the real time by default; the system clock is the real time', () => {
    const before = Date.now()
    const clock = manualClock()
    const sys = systemClock.now()
    assert.ok(clock.now() >= before && clock.now() <= Date.now())
    assert.ok(sys >= before && sys <= Date.now())
  })
})

describe('timers on a manual clock', () => {
  it('run when advanced to, in time order, each at its own time; same time: in the order they were set', () => {
    const clock = manualClock(0)
    const ran: string[] = []
    const note = (name: string) => () => ran.push(`${name}@${clock.now()}`)
    clock.after(300, note('c'))
    clock.after(100, note('a'))
    clock.after(200, note('b1'))
    clock.after(200, note('b2'))
    clock.advance(99)
    assert.deepEqual(ran, [], 'none before it is due')
    clock.advance(201)
    assert.deepEqual(ran, ['a@100', 'b1@200', 'b2@200', 'c@300'])
    assert.equal(clock.now(), 300)
    clock.advance(1000)
    assert.equal(ran.length, 4, 'each runs once')
  })

  it('a cancelled timer never runs; cancelling after it ran, or twice, is harmless', () => {
    const clock = manualClock(0)
    let ran = 0
    const cancel = clock.after(100, () => ran++)
    const done = clock.after(50, () => ran++)
    cancel()
    cancel()
    clock.advance(200)
    assert.equal(ran, 1)
    done()
    clock.advance(200)
    assert.equal(ran, 1)
  })

  it('a timer set by a running timer runs within the same advance if it falls due, at its own time', () => {
    const clock = manualClock(0)
    const ran: number[] = []
    const tick = () => {
      ran.push(clock.now())
      clock.after(100, tick)
    }
    clock.after(100, tick)
    clock.advance(350)
    assert.deepEqual(ran, [100, 200, 300], 'the one due at 400 waits')
    assert.equal(clock.now(), 350)
    clock.after(0, () => ran.push(clock.now()))
    clock.after(-5, () => ran.push(clock.now()))
    assert.equal(ran.length, 3, 'not run by being set: only by an advance')
    clock.advance(0)
    assert.deepEqual(ran.slice(3), [350, 350], 'due now (a negative wait is none)')
  })

  it('never goes backwards: a timer sees the time it was due, and later timers later times', () => {
    const clock = manualClock(1000)
    const seen: number[] = []
    for (const ms of [500, 10, 250, 10, 0]) clock.after(ms, () => seen.push(clock.now()))
    clock.after(20, () => clock.after(5, () => seen.push(clock.now())))
    clock.advance(1000)
    assert.deepEqual(seen, [1000, 1010, 1010, 1025, 1250, 1500])
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
    )
    assert.equal(clock.now(), 2000)
  })
})

describe('timers on the system clock', () => {
  it('run after the wait, and not once cancelled (real time: this is the real timer)', async () => {
    const ran: string[] = []
    systemClock.after(5, () => ran.push('kept'))
    const cancel = systemClock.after(5, () => ran.push('cancelled'))
    cancel()
    await new Promise((resolve) => setTimeout(resolve, 30))
    assert.deepEqual(ran, ['kept'])
  })

  it('never hands Node a wait past its 32-bit limit (it would fire at once): far waits go in steps', (t) => {
    const setTimeoutSpy = t.mock.method(globalThis, 'setTimeout')
    const cancel = systemClock.after(40 * 86_400_000, () => assert.fail('fired early'))
    cancel()
    assert.equal(setTimeoutSpy.mock.callCount(), 1)
    assert.equal(setTimeoutSpy.mock.calls[0]?.arguments[1], MAX_TIMER_MS)
  })
})
