import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { IpCap } from '../../src/realtime/socket/ip-cap.ts'

describe('the per-address socket cap', () => {
  it('counts an IPv6 client per /64, as sign-in does, so a new address per socket is no way round it', () => {
    const cap = new IpCap()
    assert.equal(cap.reserve('2001:db8:1:2::1', 2), true)
    assert.equal(cap.reserve('2001:db8:1:2::2', 2), true)
    assert.equal(cap.reserve('2001:db8:1:2:ffff::3', 2), false, 'the same /64 is full')
    assert.equal(cap.reserve('2001:db8:1:3::1', 2), true, 'another /64 has its own places')
    assert.equal(cap.taken('2001:db8:1:2::9'), 2)
    cap.release('2001:db8:1:2::1')
    assert.equal(cap.reserve('2001:db8:1:2::7', 2), true, 'a place given back by any address of the /64')
  })

  it('counts IPv4 per address, an IPv4-mapped IPv6 address as its IPv4 one', () => {
    const cap = new IpCap()
    assert.equal(cap.reserve('203.0.113.7', 1), true)
    assert.equal(cap.reserve('::ffff:203.0.113.7', 1), false)
    assert.equal(cap.reserve('203.0.113.8', 1), true)
  })
})
