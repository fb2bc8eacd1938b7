import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { readConfig } from '../../src/config.ts'
import type { DeliveryStats } from '../../src/metrics/metrics.ts'
import { RoomWriter } from '../../src/realtime/fanout/room-writer.ts'
import type { OutFrame } from '../../src/realtime/socket/client.ts'
import { clientOver } from '../support/fake-client.ts'

const KB = 1024

function client(maxBuffered: number, bufferedAmount = 0) {
  const sent: Buffer[] = []
  let cut = false
  const ws = {
    readyState: 1,
    bufferedAmount,
    send: (d: Buffer, _o: unknown, cb?: (err?: Error) => void) => {
      sent.push(Buffer.from(d))
      cb?.()
    },
    terminate: () => {
      cut = true
    },
  }
  const c = clientOver(ws, maxBuffered)
  return { c, sent, ws, cut: () => cut }
}
const frame = (seq: number, bytes: number): OutFrame => ({ seq, data: Buffer.alloc(bytes, 'x') })

describe('a frame bigger than the unsent-bytes limit', () => {
  it('goes out when nothing is waiting on the socket (a frame the server made must fit)', async () => {
    const { c, sent, cut } = client(16 * KB)
    c.goLive(0)
    c.deliver(frame(1, 62 * KB))
    assert.equal(await c.sendDrained(Buffer.alloc(62 * KB)), true)
    assert.equal(cut(), false)
    assert.equal(sent.length, 2)
  })

  it('still cuts a socket whose backlog it would push past the limit', () => {
    const { c, sent, cut } = client(256 * KB, 200 * KB)
    c.goLive(0)
    c.deliver(frame(1, 62 * KB))
    assert.equal(cut(), true)
    assert.equal(sent.length, 0)
  })

  it('held alone during catch-up, does not cut the socket', () => {
    const { c, cut } = client(16 * KB)
    c.deliver(frame(1, 62 * KB))
    assert.equal(cut(), false)
    c.deliver(frame(2, 1 * KB))
    assert.equal(cut(), true, 'a backlog of several frames past the limit is still cut')
  })
})

describe('a room writer combining frames', () => {
  it('keeps every combined message within the sockets’ catch-up piece size', () => {
    const stats = { delivered: () => {} } as unknown as DeliveryStats
    const a = client(64 * KB) // pieces of 16 KiB
    const b = client(1024 * KB) // pieces of 64 KiB
    for (const x of [a, b]) x.c.goLive(0)
    const writer = new RoomWriter(new Set([a.c, b.c]), stats, false)
    ;(writer as unknown as { send(f: OutFrame[]): void }).send(
      [1, 2, 3, 4, 5, 6].map((s) => frame(s, 6 * KB)),
    )
    for (const x of [a, b]) {
      assert.equal(x.cut(), false)
      assert.ok(x.sent.length >= 3, `${x.sent.length} messages`)
      for (const m of x.sent) assert.ok(m.length <= a.c.pieceBytes, `${m.length} bytes`)
      assert.equal(Buffer.concat(x.sent).length, 36 * KB)
    }
  })
})

describe('WS_MAX_BUFFERED_KB', () => {
  it('is at least 256, so live frames and catch-up pieces stay well under it', () => {
    for (const v of ['16', '64', '255'])
      assert.throws(() => readConfig({ WS_MAX_BUFFERED_KB: v }), /WS_MAX_BUFFERED_KB/)
    assert.equal(readConfig({ WS_MAX_BUFFERED_KB: '256' }).ws.maxBufferedBytes, 256 * KB)
  })
})
