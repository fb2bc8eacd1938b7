import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import type { IncomingMessage } from 'node:http'
import { describe, it } from 'node:test'
import type { WebSocket } from 'ws'
import { MAX_TIMER_MS, manualClock } from '../../src/clock.ts'
import { ConfigError, readConfig } from '../../src/config.ts'
import { clientAddress, parseTrustProxy, requestOrigin } from '../../src/forwarded.ts'
import { closeAtExpiry } from '../../src/realtime/socket/session-expiry.ts'

/** Just what the rule reads of a request: the peer's address and the headers. */
function req(peer: string, headers: Record<string, string> = {}): IncomingMessage {
  return { socket: { remoteAddress: peer }, headers } as unknown as IncomingMessage
}

const ip = (trust: string, peer: string, xff?: string) =>
  clientAddress(parseTrustProxy(trust), req(peer, xff === undefined ? {} : { 'x-forwarded-for': xff }))

describe('TRUST_PROXY', () => {
  it('is off by default and for false/0/no/off', () => {
    for (const raw of [undefined, '', 'false', '0', 'NO', 'off'])
      assert.deepEqual(parseTrustProxy(raw), { kind: 'none' })
  })

  it('takes true as one proxy hop, and a number of hops', () => {
    for (const raw of ['true', '1', 'yes', 'on', ' TRUE '])
      assert.deepEqual(parseTrustProxy(raw), { kind: 'hops', hops: 1 })
    assert.deepEqual(parseTrustProxy('3'), { kind: 'hops', hops: 3 })
  })

  it('takes a list of proxy addresses and CIDR ranges, IPv4 and IPv6, and "loopback"', () => {
    assert.equal(parseTrustProxy('10.0.0.0/8, 192.168.1.5,::1,fd00::/8').kind, 'proxies')
    assert.equal(parseTrustProxy('loopback').kind, 'proxies')
  })

  it('refuses anything else at start-up, naming the variable', () => {
    for (const raw of [
      'maybe',
      '11',
      '10.0.0.0/33',
      '1.2.3.4/8/9',
      '::1/129',
      '300.1.1.1',
      '10.0.0.0/x',
      '*',
    ])
      assert.throws(
        () => readConfig({ TRUST_PROXY: raw }),
        (err: Error) => {
          assert.ok(err instanceof ConfigError, raw)
          assert.match(err.message, /^TRUST_PROXY/)
          return true
        },
      )
  })
})

describe('the client address (one rule for HTTP and the socket)', () => {
  it('is the peer, whatever X-Forwarded-For says, when no proxy is trusted', () => {
    assert.equal(ip('false', '198.51.100.1', '127.0.0.1'), '198.51.100.1')
  })

  it('is the entry the proxies added, never one the client wrote in front of them', () => {
    assert.equal(ip('1', '127.0.0.1', '127.0.0.1, 203.0.113.9'), '203.0.113.9')
    assert.equal(ip('true', '127.0.0.1', '203.0.113.9'), '203.0.113.9')
    assert.equal(ip('2', '127.0.0.1', '127.0.0.1, 198.51.100.7, 10.0.0.2'), '198.51.100.7')
    assert.equal(ip('2', '127.0.0.1', '198.51.100.7'), '198.51.100.7', 'fewer entries: the furthest there is')
    assert.equal(ip('1', '127.0.0.1'), '127.0.0.1', 'no header: the peer (a local scraper, say)')
  })

  it('with a list, walks from the right only while the hop is a listed proxy', () => {
    const list = '127.0.0.1, 10.0.0.0/8'
    assert.equal(ip(list, '127.0.0.1', '127.0.0.1, 198.51.100.7, 10.1.2.3'), '198.51.100.7')
    assert.equal(ip(list, '::ffff:127.0.0.1', '203.0.113.9'), '203.0.113.9', 'IPv4-mapped peer')
    assert.equal(ip(list, '198.51.100.9', '127.0.0.1'), '198.51.100.9', 'not from a proxy: header ignored')
    assert.equal(ip(list, '127.0.0.1', '10.0.0.3, 10.0.0.2'), '10.0.0.3', 'all proxies: the furthest')
    assert.equal(ip(list, '127.0.0.1', 'unknown, 10.0.0.2'), 'unknown')
  })

  it('takes the scheme and host from a trusted proxy only', () => {
    const fwd = {
      host: '127.0.0.1:3000',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'chat.example.org',
    }
    assert.equal(requestOrigin(parseTrustProxy('false'), req('127.0.0.1', fwd)), 'http://127.0.0.1:3000')
    assert.equal(requestOrigin(parseTrustProxy('1'), req('127.0.0.1', fwd)), 'https://chat.example.org')
    const list = parseTrustProxy('10.0.0.1')
    assert.equal(requestOrigin(list, req('10.0.0.1', fwd)), 'https://chat.example.org')
    assert.equal(requestOrigin(list, req('10.0.0.2', fwd)), 'http://127.0.0.1:3000')
    assert.equal(requestOrigin(parseTrustProxy('1'), req('127.0.0.1', { host: 'a:80' })), 'http://a')
    assert.equal(requestOrigin(parseTrustProxy('false'), req('127.0.0.1', {})), undefined)
  })
})

describe('a socket and its session', () => {
  const fakeSocket = () => {
    const ws = Object.assign(new EventEmitter(), { closedWith: undefined as number | undefined })
    Object.assign(ws, { close: (code: number) => (ws.closedWith = code) })
    return ws
  }

  it('closes at once with 4401 when the session has already ended', () => {
    const ws = fakeSocket()
    const clock = manualClock()
    closeAtExpiry(ws as unknown as WebSocket, new Date(clock.now() - 1), clock)
    assert.equal(ws.closedWith, 4401)
  })

  it('waits for an expiry beyond the 24.8-day timer limit instead of firing at once', () => {
    const ws = fakeSocket()
    const clock = manualClock()
    const ends = clock.now() + 40 * 86_400_000
    closeAtExpiry(ws as unknown as WebSocket, new Date(ends), clock)
    clock.advance(MAX_TIMER_MS + 1)
    assert.equal(ws.closedWith, undefined)
    clock.advance(ends - clock.now() - 1)
    assert.equal(ws.closedWith, undefined, 'not a millisecond early')
    clock.advance(1)
    assert.equal(ws.closedWith, 4401, 'closed when the session ends')
  })

  it('forgets its timer when the socket closes first', () => {
    const ws = fakeSocket()
    const clock = manualClock()
    closeAtExpiry(ws as unknown as WebSocket, new Date(clock.now() + 1000), clock)
    ws.emit('close')
    clock.advance(2000)
    assert.equal(ws.closedWith, undefined)
  })
})
