import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
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
  type OnDrop,
  type RoomPayload,
} from '../../src/bus/wire.ts'

// Random each run; FC_SEED=<seed printed by a failure> replays it.
const runs = (numRuns: number) => ({
  numRuns,
  ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
})

const NAME = /^[A-Za-z0-9_.-]{1,32}$/
const HASH = /^[0-9a-f]{64}$/
const whole = (v: unknown, min: number) => Number.isSafeInteger(v) && (v as number) >= min
const keys = (o: object) => Object.keys(o).sort().join()

// ---- valid values, and what a decoded value must be whatever the payload was ----

const name = fc.stringMatching(NAME)
const id = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })
const html = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', '\n', '{"v":2}\n{'))
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined })
// Plain objects, as the encoders are handed (fast-check's records may have no prototype).
const room: fc.Arbitrary<RoomPayload> = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), html, maybe(id)).map(([seq, html, at]) => ({
    kind: 'frame' as const,
    frame: at === undefined ? { seq, html } : { seq, html, at },
  })),
  html.map((h) => ({ kind: 'head' as const, html: h })),
  fc
    .tuple(id, name, fc.boolean())
    .map(([userId, name, typing]) => ({ kind: 'typing' as const, signal: { userId, name, typing } })),
)
const control: fc.Arbitrary<Control> = fc.oneof(
  fc.stringMatching(HASH).map((hash) => ({ kind: 'session-ended' as const, hash })),
  fc
    .tuple(fc.constantFrom('user-ended', 'room-deleted', 'room-access', 'user-access'), id)
    .map(([kind, id]) => ({ kind, id })),
  fc.tuple(id, id).map(([id, roomId]) => ({ kind: 'read' as const, id, roomId })),
)
const activity: fc.Arbitrary<Activity> = fc
  .tuple(id, id, fc.array(name, { maxLength: 4 }), maybe(id))
  .map(([roomId, authorId, mentioned, seq]) =>
    seq === undefined ? { roomId, authorId, mentioned } : { roomId, authorId, mentioned, seq },
  )

const encodeRoom = (p: RoomPayload) =>
  p.kind === 'frame'
    ? encodeFrame(p.frame)
    : p.kind === 'head'
      ? encodePrivateHead(p.html)
      : encodeTyping(p.signal)

function validRoom(p: RoomPayload, payload: string): void {
  if (p.kind === 'typing') {
    assert.equal(keys(p.signal), 'name,typing,userId')
    assert.ok(whole(p.signal.userId, 0) && NAME.test(p.signal.name) && typeof p.signal.typing === 'boolean')
    return
  }
  const body = p.kind === 'frame' ? p.frame.html : p.html
  // The HTML is the payload's text after its first line, exactly.
  assert.equal(body, payload.slice(payload.indexOf('\n') + 1))
  if (p.kind === 'head') assert.equal(keys(p), 'html,kind')
  else {
    assert.equal(keys(p.frame), p.frame.at === undefined ? 'html,seq' : 'at,html,seq')
    assert.ok(whole(p.frame.seq, 0) && (p.frame.at === undefined || Number.isSafeInteger(p.frame.at)))
  }
}

function validControl(c: Control): void {
  if (c.kind === 'session-ended') assert.ok(keys(c) === 'hash,kind' && HASH.test(c.hash))
  else if (c.kind === 'read') assert.ok(keys(c) === 'id,kind,roomId' && whole(c.id, 1) && whole(c.roomId, 1))
  else {
    assert.ok(['user-ended', 'room-deleted', 'room-access', 'user-access'].includes(c.kind))
    assert.ok(keys(c) === 'id,kind' && whole(c.id, 1))
  }
}

function validActivity(a: Activity): void {
  assert.equal(keys(a), a.seq === undefined ? 'authorId,mentioned,roomId' : 'authorId,mentioned,roomId,seq')
  assert.ok(whole(a.roomId, 1) && whole(a.authorId, 1) && (a.seq === undefined || whole(a.seq, 0)))
  assert.ok(Array.isArray(a.mentioned) && a.mentioned.every((n) => NAME.test(n)))
}

type Decode<T> = (payload: string, onDrop: OnDrop) => T | undefined

/** Never throws; either a valid value and no drop, or no value and exactly one drop. */
function decodesOrDrops<T>(
  decode: Decode<T>,
  valid: (value: T, payload: string) => void,
  payload: string,
): void {
  const told: string[] = []
  const value = decode(payload, (reason, detail) => {
    assert.ok(['malformed', 'newer-version', 'unknown-kind'].includes(reason) && typeof detail === 'string')
    told.push(reason)
  })
  if (value === undefined) assert.equal(told.length, 1, 'dropped, and said so once')
  else {
    assert.deepEqual(told, [], 'decoded, nothing dropped')
    valid(value, payload)
  }
}

const topics = [
  {
    name: 'room',
    decode: decodeRoom as Decode<unknown>,
    valid: validRoom as (v: unknown, p: string) => void,
  },
  { name: 'control', decode: decodeControl as Decode<unknown>, valid: validControl as (v: unknown) => void },
  {
    name: 'activity',
    decode: decodeActivity as Decode<unknown>,
    valid: validActivity as (v: unknown) => void,
  },
]

// ---- payloads: random, shaped like either version, and real ones mutated ----

const jsonish = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(1, 2, 0, -1, 1.5, 2 ** 53, '1', null))
const kinds = [
  'frame',
  'head',
  'typing',
  'read',
  'user-ended',
  'session-ended',
  'room-access',
  'activity',
  'x',
]
const fields = fc.dictionary(
  fc.constantFrom(
    'seq',
    'at',
    'userId',
    'name',
    'typing',
    'id',
    'roomId',
    'hash',
    'authorId',
    'mentioned',
    '__proto__',
  ),
  jsonish,
)
const v1ish = fc
  .tuple(
    fc.oneof(fc.constant(1), jsonish),
    fc.oneof(fc.constantFrom(...kinds), jsonish),
    fields,
    fc.option(fc.string(), { nil: undefined }),
  )
  .map(([v, kind, f, body]) => JSON.stringify({ ...f, v, kind }) + (body === undefined ? '' : `\n${body}`))
const V0_PIECES = [
  't ',
  'p\n',
  '\n',
  ' ',
  ',',
  '0',
  '1',
  '12',
  '-1',
  '1.5',
  '1e3',
  'ann',
  'read',
  'user-ended',
]
const v0ish = fc
  .array(
    fc.oneof(
      fc.constantFrom(...V0_PIECES, 'session-ended', 'ab'.repeat(32), '9007199254740993'),
      fc.string({ maxLength: 3 }),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''))
const random = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), v1ish, v0ish)

const V0_EXAMPLES = [
  '12\n<a>\nb</a>',
  '3 1795000000000\nx',
  't 5 1 ann',
  'p\n<h1>y</h1>',
  'read 7 3',
  '2 1 u7,ann 7',
  '2 1 ',
]
const real = fc.oneof(
  room.map(encodeRoom),
  control.map(encodeControl),
  activity.map(encodeActivity),
  fc.constantFrom(...V0_EXAMPLES),
)
/** One edit to a payload: a cut, a piece put in, a character changed, or the end lost. */
const mutated = fc
  .tuple(
    real,
    fc.nat(),
    fc.nat(),
    fc.constantFrom('cut', 'insert', 'change', 'truncate'),
    fc.constantFrom('"', ',', '}', '\n', ' ', '2', '-', '{', 'é', ''),
  )
  .map(([p, i, j, how, piece]) => {
    const [a, b] = [i % (p.length + 1), j % (p.length + 1)].sort((x, y) => x - y) as [number, number]
    if (how === 'cut') return p.slice(0, a) + p.slice(b)
    if (how === 'insert') return p.slice(0, a) + piece + p.slice(a)
    if (how === 'change') return p.slice(0, a) + piece + p.slice(a + 1)
    return p.slice(0, a)
  })

describe('bus wire (fuzzed)', () => {
  it('gives back every valid value it encodes, of every kind', () => {
    const same =
      <T>(decode: Decode<T>, encode: (v: T) => string) =>
      (v: T) => {
        const told: string[] = []
        assert.deepEqual(
          decode(encode(v), (r) => told.push(r)),
          v,
        )
        assert.deepEqual(told, [])
      }
    fc.assert(fc.property(room, same(decodeRoom, encodeRoom)), runs(2000))
    fc.assert(fc.property(control, same(decodeControl, encodeControl)), runs(1000))
    fc.assert(fc.property(activity, same(decodeActivity, encodeActivity)), runs(1000))
  })

  it('reads a frame by its fast path as the general one would, and writes its header as JSON.stringify would', () => {
    const frames = room
      .filter((p) => p.kind === 'frame')
      .map((p) => (p.kind === 'frame' ? p.frame : undefined))
    const written = fc.property(frames, (f) => {
      if (!f) return
      const header = f.at
        ? { v: 1, kind: 'frame', seq: f.seq, at: f.at }
        : { v: 1, kind: 'frame', seq: f.seq }
      assert.equal(encodeFrame(f), `${JSON.stringify(header)}\n${f.html}`)
    })
    fc.assert(written, runs(1000))
    // The same header with a space in it is no longer the fast path's exact form: the general path reads it.
    const slow = (payload: string) => payload.replace(/^\{"v"/, '{ "v"')
    const same = fc.property(fc.oneof(room.map(encodeRoom), random, mutated), (payload) =>
      assert.deepEqual(decodeRoom(payload), decodeRoom(slow(payload))),
    )
    fc.assert(same, runs(3000))
  })

  for (const topic of topics) {
    it(`${topic.name} topic: random and mutated payloads never throw, and decode to a valid value or are dropped`, () => {
      const property = fc.property(fc.oneof(random, mutated), (payload) =>
        decodesOrDrops(topic.decode, topic.valid, payload),
      )
      fc.assert(property, runs(3000))
    })
  }
})
