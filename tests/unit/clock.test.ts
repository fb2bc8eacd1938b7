import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { manualClock, systemClock } from '../../src/clock.ts'

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
