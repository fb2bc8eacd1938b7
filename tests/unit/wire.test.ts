import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  type Activity,
  type Control,
  decodeActivity,
  decodeControl,
  decodeRoom,
  dropWarner,
  encodeActivity,
  encodeControl,
  encodeFrame,
  encodePrivateHead,
  encodeTyping,
  type OnDrop,
  type RoomPayload,
} from '../../src/bus/wire.ts'
import { activityV0, controlV0, roomV0 } from '../../src/bus/wire-v0.ts'
import type { Logger } from '../../src/log.ts'

/** An OnDrop that records what it is told. */
function drops() {
  const told: string[] = []
  const onDrop: OnDrop = (reason, detail) => told.push(`${reason}: ${detail}`)
  return { told, onDrop }
}

const HASH = 'ab'.repeat(32)

describe('bus wire: every kind round-trips', () => {
  it('room topic: frames (in and out of the seq order, with and without a time), heads, typing', () => {
    const table: RoomPayload[] = [
      { kind: 'frame', frame: { seq: 12, html: '<a>\nb</a>' } },
      { kind: 'frame', frame: { seq: 3, html: 'x', at: 1795000000000 } },
      { kind: 'frame', frame: { seq: 0, html: '<p>here</p>' } },
      { kind: 'frame', frame: { seq: 1, html: '' } },
      { kind: 'frame', frame: { seq: 9, html: '{"v":2,"kind":"x"}\n{"v":1}' } },
      { kind: 'head', html: '<title>Desk</title>\n<h1 id="room-head">Desk</h1>' },
      { kind: 'head', html: '' },
      { kind: 'typing', signal: { userId: 5, name: 'ann', typing: true } },
      { kind: 'typing', signal: { userId: 5, name: 'A.n-n_1', typing: false } },
    ]
    const encode = (p: RoomPayload) =>
      p.kind === 'frame'
        ? encodeFrame(p.frame)
        : p.kind === 'head'
          ? encodePrivateHead(p.html)
          : encodeTyping(p.signal)
    for (const p of table) {
      const { told, onDrop } = drops()
      assert.deepEqual(decodeRoom(encode(p), onDrop), p, JSON.stringify(p))
      assert.deepEqual(told, [])
    }
  })

  it('control topic: every notice', () => {
    const table: Control[] = [
      { kind: 'session-ended', hash: HASH },
      { kind: 'user-ended', id: 7 },
      { kind: 'room-deleted', id: 9 },
      { kind: 'room-access', id: 10 },
      { kind: 'user-access', id: 8 },
      { kind: 'read', id: 7, roomId: 3 },
    ]
    for (const c of table) assert.deepEqual(decodeControl(encodeControl(c)), c)
  })

  it('activity topic: with and without a seq, with and without mentions', () => {
    const table: Activity[] = [
      { roomId: 2, authorId: 1, mentioned: ['u7', 'ann'], seq: 7 },
      { roomId: 2, authorId: 1, mentioned: [], seq: 8 },
      { roomId: 2, authorId: 1, mentioned: [] },
    ]
    for (const a of table) assert.deepEqual(decodeActivity(encodeActivity(a)), a)
    // An empty name (a bare "@…") names nobody, as it always counted for nobody.
    assert.deepEqual(decodeActivity(encodeActivity({ roomId: 2, authorId: 1, mentioned: ['', 'x'] })), {
      roomId: 2,
      authorId: 1,
      mentioned: ['x'],
    })
  })

  it('writes version 1 exactly so (pinned: the next release decodes these very bytes)', () => {
    assert.equal(encodeFrame({ seq: 3, html: 'x', at: 5 }), '{"v":1,"kind":"frame","seq":3,"at":5}\nx')
    assert.equal(encodeFrame({ seq: 0, html: '<p>' }), '{"v":1,"kind":"frame","seq":0}\n<p>')
    assert.equal(encodePrivateHead('<h1>'), '{"v":1,"kind":"head"}\n<h1>')
    assert.equal(
      encodeTyping({ userId: 5, name: 'ann', typing: true }),
      '{"v":1,"kind":"typing","userId":5,"name":"ann","typing":true}',
    )
    assert.equal(encodeControl({ kind: 'read', id: 7, roomId: 3 }), '{"v":1,"kind":"read","id":7,"roomId":3}')
    assert.equal(
      encodeActivity({ roomId: 2, authorId: 1, mentioned: ['ann'], seq: 7 }),
      '{"v":1,"kind":"activity","roomId":2,"authorId":1,"mentioned":["ann"],"seq":7}',
    )
  })
})

describe('bus wire: version 0 (what a node of the last release publishes)', () => {
  // Taken from the last release's encoders (encodeFrame, encodeTyping, encodePrivateHead, encodeControl,
  // encodeActivity) before they were replaced.
  it('room topic', () => {
    const table: Array<[string, RoomPayload]> = [
      ['12\n<a>\nb</a>', { kind: 'frame', frame: { seq: 12, html: '<a>\nb</a>' } }],
      ['3 1795000000000\nx', { kind: 'frame', frame: { seq: 3, html: 'x', at: 1795000000000 } }],
      ['0\n<p>here</p>', { kind: 'frame', frame: { seq: 0, html: '<p>here</p>' } }],
      ['t 5 1 ann', { kind: 'typing', signal: { userId: 5, typing: true, name: 'ann' } }],
      ['t 5 0 a.n-n_1', { kind: 'typing', signal: { userId: 5, typing: false, name: 'a.n-n_1' } }],
      ['p\n<title>x</title>\n<h1>y</h1>', { kind: 'head', html: '<title>x</title>\n<h1>y</h1>' }],
    ]
    for (const [payload, want] of table) assert.deepEqual(decodeRoom(payload), want, payload)
  })

  it('control topic', () => {
    const table: Array<[string, Control]> = [
      [`session-ended ${HASH}`, { kind: 'session-ended', hash: HASH }],
      ['user-ended 7', { kind: 'user-ended', id: 7 }],
      ['room-deleted 9', { kind: 'room-deleted', id: 9 }],
      ['room-access 10', { kind: 'room-access', id: 10 }],
      ['user-access 8', { kind: 'user-access', id: 8 }],
      ['read 7 3', { kind: 'read', id: 7, roomId: 3 }],
    ]
    for (const [payload, want] of table) assert.deepEqual(decodeControl(payload), want, payload)
  })

  it('activity topic', () => {
    const table: Array<[string, Activity]> = [
      ['2 1 u7,ann 7', { roomId: 2, authorId: 1, mentioned: ['u7', 'ann'], seq: 7 }],
      ['2 1  8', { roomId: 2, authorId: 1, mentioned: [], seq: 8 }],
      ['2 1 ', { roomId: 2, authorId: 1, mentioned: [] }],
      ['2 1 ann', { roomId: 2, authorId: 1, mentioned: ['ann'] }],
    ]
    for (const [payload, want] of table) assert.deepEqual(decodeActivity(payload), want, payload)
  })

  it('is what the last release read: it drops version 1 payloads rather than misread them', () => {
    const room = [encodeFrame({ seq: 4, html: 'x', at: 9 }), encodePrivateHead('x')]
    room.push(encodeTyping({ userId: 5, name: 'ann', typing: true }))
    for (const payload of room) assert.equal(roomV0(payload), undefined, payload)
    assert.equal(controlV0(encodeControl({ kind: 'user-ended', id: 7 })), undefined)
    assert.equal(activityV0(encodeActivity({ roomId: 2, authorId: 1, mentioned: [] })), undefined)
  })
})

describe('bus wire: what this node cannot use is dropped and said so, never thrown', () => {
  it('a newer version, an unknown kind, a kind on the wrong topic, a malformed header or field', () => {
    const cases: Array<[(p: string, d: OnDrop) => unknown, string, string]> = [
      [decodeRoom, '{"v":2,"kind":"frame","seq":1}\nx', 'newer-version: v2'],
      [decodeControl, '{"v":7}', 'newer-version: v7'],
      [decodeRoom, '{"v":1,"kind":"reaction","seq":1}\nx', 'unknown-kind: reaction'],
      [decodeControl, '{"v":1,"kind":"frame","seq":1}\nx', 'unknown-kind: frame'],
      [decodeActivity, '{"v":1,"kind":"read","id":7,"roomId":3}', 'unknown-kind: read'],
      [decodeRoom, '{"v":1,"kind":"frame","seq":1}', 'malformed: frame'],
      [decodeRoom, '{"v":1,"kind":"frame","seq":-1}\nx', 'malformed: frame'],
      [decodeControl, '{"v":1,"kind":"user-ended","id":"7"}', 'malformed: user-ended'],
      [decodeRoom, '{"v":0,"kind":"frame","seq":1}\nx', 'malformed: header'],
      [decodeRoom, '{"kind":"frame","seq":1}\nx', 'malformed: header'],
      [decodeRoom, '{v:1}\nx', 'malformed: header'],
      [decodeActivity, '{"v":1,"kind":"activity"', 'malformed: header'],
      [decodeRoom, 'garbage', 'malformed: version 0'],
      [decodeActivity, 'x 1 ', 'malformed: version 0'],
    ]
    for (const [decode, payload, why] of cases) {
      const { told, onDrop } = drops()
      assert.equal(decode(payload, onDrop), undefined, payload)
      assert.deepEqual(told, [why], payload)
    }
  })

  it('warns once per newer version or unknown kind (a rolling restart sends thousands), each malformed one', () => {
    const lines: string[] = []
    const log = {
      warn: (o: { reason: string; detail: string }) => lines.push(`warn ${o.reason} ${o.detail}`),
      debug: (o: { reason: string; detail: string }) => lines.push(`debug ${o.reason} ${o.detail}`),
    } as unknown as Logger
    const warner = dropWarner(log)
    const [a, b] = [warner.at({ room: 1 }), warner.at({ room: 2 })]
    for (const onDrop of [a, b, a]) {
      decodeRoom('{"v":2,"kind":"frame","seq":1}\nx', onDrop)
      decodeRoom('{"v":1,"kind":"reaction"}', onDrop)
      decodeRoom('garbage', onDrop)
    }
    assert.deepEqual(lines, [
      'warn newer-version v2',
      'warn unknown-kind reaction',
      'warn malformed version 0',
      ...Array(2)
        .fill(['debug newer-version v2', 'debug unknown-kind reaction', 'warn malformed version 0'])
        .flat(),
    ])
  })
})
