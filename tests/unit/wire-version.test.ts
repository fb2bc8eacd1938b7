import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  type Activity,
  type Control,
  decodeActivity,
  decodeControl,
  decodeRoom,
  encodeActivity,
  encodeControl,
  encodeFrame,
  encodePrivateHead,
  encodeTyping,
  type Frame,
  type TypingSignal,
  wireWriter,
} from '../../src/bus/wire.ts'
import { ConfigError, readConfig } from '../../src/config.ts'
import * as old from '../support/wire-0.1.0.ts'

const HASH = '0f'.repeat(32)
const frames: Frame[] = [
  { seq: 12, html: '<a>\nb</a>' },
  { seq: 3, html: 'x', at: 1795000000000 },
  { seq: 0, html: '<p>here</p>' },
  { seq: 1, html: '' },
  { seq: 9, html: '{"v":1,"kind":"frame","seq":1}\nnot a header' },
]
const heads = ['<title>Desk</title>\n<h1 id="room-head">Desk</h1>', '']
const signals: TypingSignal[] = [
  { userId: 5, name: 'ann', typing: true },
  { userId: 123456789, name: 'A.n-n_1', typing: false },
]
const notices: Control[] = [
  { kind: 'session-ended', hash: HASH },
  { kind: 'user-ended', id: 7 },
  { kind: 'room-deleted', id: 9 },
  { kind: 'room-access', id: 10 },
  { kind: 'user-access', id: 8 },
  { kind: 'read', id: 7, roomId: 3 },
]
const activities: Activity[] = [
  { roomId: 2, authorId: 1, mentioned: ['u7', 'ann'], seq: 7 },
  { roomId: 2, authorId: 1, mentioned: [], seq: 8 },
  { roomId: 2, authorId: 1, mentioned: [] },
  { roomId: 2, authorId: 1, mentioned: ['ann'] },
]

describe('BUS_WIRE_VERSION=0: this release writes what the last one (0.1.0) wrote, byte for byte', () => {
  const v0 = wireWriter(0)

  it('room topic: frames, private heads, typing', () => {
    for (const f of frames) {
      assert.equal(v0.frame(f), old.encodeFrame(f), JSON.stringify(f))
      assert.deepEqual(decodeRoom(v0.frame(f)), { kind: 'frame', frame: f })
      assert.deepEqual(old.readRoom(v0.frame(f)), { frame: f })
    }
    for (const html of heads) {
      assert.equal(v0.privateHead(html), old.encodePrivateHead(html))
      assert.deepEqual(decodeRoom(v0.privateHead(html)), { kind: 'head', html })
      assert.deepEqual(old.readRoom(v0.privateHead(html)), { head: html })
    }
    for (const s of signals) {
      assert.equal(v0.typing(s), old.encodeTyping(s))
      assert.deepEqual(decodeRoom(v0.typing(s)), { kind: 'typing', signal: s })
      assert.deepEqual(old.readRoom(v0.typing(s)), { typing: s })
    }
  })

  it('control topic: every notice', () => {
    for (const c of notices) {
      assert.equal(v0.control(c), old.encodeControl(c), c.kind)
      assert.deepEqual(decodeControl(v0.control(c)), c)
      assert.deepEqual(old.decodeControl(v0.control(c)), c)
    }
  })

  it('activity topic: with and without a seq and mentions; an empty name kept, as that release wrote it', () => {
    for (const a of activities) {
      assert.equal(v0.activity(a), old.encodeActivity(a.roomId, a.authorId, a.mentioned, a.seq))
      assert.deepEqual(decodeActivity(v0.activity(a)), a)
      const { roomId, authorId, mentioned: names, seq } = a
      const counted = seq === undefined ? { roomId, authorId, names } : { roomId, authorId, names, seq }
      assert.deepEqual(old.readActivity(v0.activity(a)), counted)
    }
    const bare = { roomId: 2, authorId: 1, mentioned: ['', 'x'], seq: 4 }
    assert.equal(v0.activity(bare), old.encodeActivity(2, 1, ['', 'x'], 4))
    assert.deepEqual(decodeActivity(v0.activity(bare)), { ...bare, mentioned: ['x'] })
  })

  it('pinned bytes, as the version 0 reading tests have them', () => {
    assert.equal(v0.frame({ seq: 3, html: 'x', at: 1795000000000 }), '3 1795000000000\nx')
    assert.equal(v0.typing({ userId: 5, name: 'ann', typing: true }), 't 5 1 ann')
    assert.equal(v0.privateHead('<h1>'), 'p\n<h1>')
    assert.equal(v0.control({ kind: 'session-ended', hash: HASH }), `session-ended ${HASH}`)
    assert.equal(v0.control({ kind: 'read', id: 7, roomId: 3 }), 'read 7 3')
    assert.equal(v0.activity({ roomId: 2, authorId: 1, mentioned: [], seq: 8 }), '2 1  8')
  })
})

describe('BUS_WIRE_VERSION=1 (the default) writes version 1, which the last release cannot read', () => {
  it('is the wire module’s own encoders', () => {
    const v1 = wireWriter(1)
    for (const f of frames) assert.equal(v1.frame(f), encodeFrame(f))
    for (const html of heads) assert.equal(v1.privateHead(html), encodePrivateHead(html))
    for (const s of signals) assert.equal(v1.typing(s), encodeTyping(s))
    for (const c of notices) assert.equal(v1.control(c), encodeControl(c))
    for (const a of activities) assert.equal(v1.activity(a), encodeActivity(a))
    assert.equal(old.readRoom(v1.frame({ seq: 1, html: 'x' })), undefined)
    assert.equal(old.decodeControl(v1.control({ kind: 'user-ended', id: 7 })), undefined)
  })
})

describe('config: BUS_WIRE_VERSION', () => {
  it('is 1 unless set; 0 or 1 taken', () => {
    assert.equal(readConfig({}).busWireVersion, 1)
    assert.equal(readConfig({ BUS_WIRE_VERSION: '' }).busWireVersion, 1)
    assert.equal(readConfig({ BUS_WIRE_VERSION: '1' }).busWireVersion, 1)
    assert.equal(readConfig({ BUS_WIRE_VERSION: '0' }).busWireVersion, 0)
  })

  it('refuses anything else at start, naming the variable', () => {
    for (const raw of ['2', 'x', '-1', '1.0', ' 0', 'v0']) {
      assert.throws(
        () => readConfig({ BUS_WIRE_VERSION: raw }),
        (err) =>
          err instanceof ConfigError &&
          /BUS_WIRE_VERSION/.test(err.message) &&
          err.message.includes(`"${raw}"`),
        raw,
      )
    }
  })
})
