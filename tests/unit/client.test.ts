import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { OutFrame } from '../../src/realtime/socket/client.ts'
import { clientOver } from '../support/fake-client.ts'

function client() {
  const sent: string[] = []
  const ws = { readyState: 1, bufferedAmount: 0, send: (d: Buffer | string) => sent.push(String(d)) }
  const c = clientOver(ws)
  return { c, sent }
}
const f = (seq: number): OutFrame => ({ seq, data: Buffer.from(`[${seq}]`) })
const many = (seqs: number[]) => {
  const frames = seqs.map(f)
  return [frames, Buffer.concat(frames.map((x) => x.data))] as const
}

describe('a socket given several frames at once', () => {
  it('sends them as one message when it needs them all', () => {
    const { c, sent } = client()
    c.goLive(0)
    c.deliverMany(...many([1, 2, 3]))
    assert.deepEqual(sent, ['[1][2][3]'])
    assert.equal(c.lastSeq, 3)
  })

  it('sends only the ones it lacks, one by one, when it has some already', () => {
    const { c, sent } = client()
    c.goLive(2)
    c.deliverMany(...many([1, 2, 3, 4]))
    assert.deepEqual(sent, ['[3]', '[4]'])
  })

  it('holds them during catch-up, then sends what is newer than the replay', () => {
    const { c, sent } = client()
    c.deliverMany(...many([5, 6, 7]))
    assert.deepEqual(sent, [])
    c.goLive(6)
    assert.deepEqual(sent, ['[7]'])
  })
})
