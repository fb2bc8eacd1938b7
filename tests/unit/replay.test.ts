import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { OutFrame } from '../../src/realtime/socket/client.ts'
import { replayTo } from '../../src/realtime/socket/replay.ts'
import { clientOver } from '../support/fake-client.ts'

/** A client over a socket that takes each message a turn later (as a draining socket does). */
function client(maxBuffered = 1 << 20) {
  const sent: string[] = []
  const ws = {
    readyState: 1,
    bufferedAmount: 0,
    send: (d: Buffer | string, _opts: unknown, cb?: (err?: Error) => void) => {
      sent.push(String(d))
      if (cb) setImmediate(cb)
    },
    terminate() {
      ws.readyState = 3
    },
  }
  const c = clientOver(ws, maxBuffered)
  return { c, sent, ws }
}
const f = (seq: number): OutFrame => ({ seq, data: Buffer.from(`[${seq}]`) })

describe('a catch-up sent in pieces', () => {
  it('sends the pieces one at a time, then the live frames held meanwhile that are newer, in order, then goes live', async () => {
    const { c, sent } = client()
    const done = replayTo(c, ['<1-3>', '<4-5>'], 5)
    assert.deepEqual(sent, ['<1-3>'], 'the next piece waits for the socket to take this one')
    // Live frames arrive while the pieces go out: one the replay has (5), three it has not.
    for (const s of [5, 6, 7, 8]) c.deliver(f(s))
    await done
    c.deliver(f(9))
    assert.deepEqual(sent, ['<1-3>', '<4-5>', '[6][7][8]', '[9]'])
    assert.equal(c.held, null)
    assert.equal(c.lastSeq, 9)
  })

  it('cuts a reader whose held live frames outgrow what it may have unsent', async () => {
    const { c, ws } = client(16)
    for (const s of [1, 2, 3, 4, 5, 6]) c.deliver(f(s))
    assert.equal(ws.readyState, 3, 'terminated, to reconnect and resume')
  })
})
