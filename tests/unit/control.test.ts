import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type Control, decodeControl, encodeControl } from '../../src/bus/wire.ts'

describe('control notices between nodes', () => {
  it('round-trips every kind', () => {
    const notices: Control[] = [
      { kind: 'session-ended', hash: 'a'.repeat(64) },
      { kind: 'user-ended', id: 7 },
      { kind: 'user-access', id: 8 },
      { kind: 'room-deleted', id: 9 },
      { kind: 'room-access', id: 10 },
    ]
    for (const n of notices) assert.deepEqual(decodeControl(encodeControl(n)), n)
  })

  it('drops anything malformed instead of acting on it', () => {
    for (const bad of [
      '',
      'user-ended',
      'user-ended x',
      'user-ended 0',
      'user-ended -1',
      'room-deleted 1.5',
      'reboot 1',
      'session-ended nothex',
    ])
      assert.equal(decodeControl(bad), undefined, bad)
  })
})

describe('frames from a page', () => {
  it('takes only its own frame types: inherited names like __proto__ are refused, not crashed on', async () => {
    const { parseFrame } = await import('../../src/realtime/socket/frames-in.ts')
    for (const type of ['__proto__', 'toString', 'constructor', 'hasOwnProperty', 'send'])
      assert.equal(parseFrame(JSON.stringify({ type, last_seq: 1 })).type, 'invalid', type)
    assert.deepEqual(parseFrame('{"type":"read","seq":3}'), { type: 'read', seq: 3 })
    assert.deepEqual(parseFrame('{"type":"typing"}'), { type: 'typing' })
  })
})
