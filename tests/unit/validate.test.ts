import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeRoom, encodeFrame } from '../../src/bus/wire.ts'
import { Invalid } from '../../src/chat/errors.ts'
import * as valid from '../../src/chat/validate.ts'
import { parseFrame } from '../../src/realtime/socket/frames-in.ts'

/** A frame from a room topic's payload, or undefined if it is not a frame this node can use. */
function decodeFrame(payload: string) {
  const decoded = decodeRoom(payload)
  return decoded?.kind === 'frame' ? decoded.frame : undefined
}

describe('validators', () => {
  it('accepts usernames of 1–32 letters, digits, _ - .', () => {
    assert.equal(valid.username(' Ada.L_1-x '), 'Ada.L_1-x')
    assert.equal(valid.username('a'), 'a')
    for (const bad of ['', 'a b', 'x'.repeat(33), 'é', 'a/b', 42])
      assert.throws(() => valid.username(bad), Invalid)
  })

  it('wants passwords of at least 8 characters', () => {
    assert.throws(() => valid.password('1234567'), Invalid)
    assert.equal(valid.password('12345678'), '12345678')
  })

  it('refuses empty, blank and over-long bodies, keeps newlines', () => {
    for (const bad of ['', '   ', '\n\t\n', undefined, 5]) assert.throws(() => valid.body(bad), Invalid)
    assert.equal(valid.body('  a\r\nb  '), 'a\nb')
    assert.equal(valid.body('x'.repeat(4000)).length, 4000)
    assert.throws(() => valid.body('x'.repeat(4001)), /at most 4,000 characters \(this one has 4,001\)/)
    assert.throws(() => valid.body('a\u0000b'), /cannot contain the NUL character/)
    // Characters, not UTF-16 units: 4,000 emoji are fine.
    assert.equal([...valid.body('😀'.repeat(4000))].length, 4000)
  })

  it('derives URL-safe slugs', () => {
    assert.equal(valid.slugify('Team Café!'), 'team-cafe')
    assert.equal(valid.slugify('  --Hello   World-- '), 'hello-world')
    assert.throws(() => valid.slugify('!!!'), Invalid)
  })

  it('reads history cursors', () => {
    assert.equal(valid.cursor(undefined), undefined)
    assert.equal(valid.cursor('12'), 12)
    for (const bad of ['-1', 'x', '1.5', '1e400']) assert.throws(() => valid.cursor(bad), Invalid)
  })
})

describe('socket frames', () => {
  it('reads the htmx composer frame', () => {
    const f = parseFrame(
      JSON.stringify({ body: 'hi', client_id: 'abcdefgh', _csrf: 't', headers: { 'HX-Request': 'true' } }),
    )
    assert.deepEqual(f, { type: 'send', body: 'hi', clientId: 'abcdefgh', csrf: 't' })
  })

  it('refuses fields neither the composer nor htmx sends', () => {
    assert.deepEqual(parseFrame('{"body":"x","client_id":"abcdefgh","_csrf":"t","admin":true}'), {
      type: 'invalid',
      reason: 'unknown field "admin"',
    })
    assert.equal(parseFrame('{"type":"resume","last_seq":1,"room":2}').type, 'invalid')
  })

  it('reads resume frames and refuses junk', () => {
    assert.deepEqual(parseFrame('{"type":"resume","last_seq":3}'), { type: 'resume', lastSeq: 3 })
    for (const junk of [
      'nope',
      '[]',
      'null',
      '42',
      '{"type":"resume","last_seq":-1}',
      '{"type":"resume","last_seq":1e300}',
      '{"type":"boom"}',
    ]) {
      assert.equal(parseFrame(junk).type, 'invalid', junk)
    }
  })

  it('refuses a NUL in every text field, and cursors past a message number', () => {
    assert.throws(() => valid.roomName('a\u0000b'), /A name cannot contain the NUL character/)
    assert.throws(() => valid.topic('a\u0000b'), /A topic cannot contain the NUL character/)
    assert.throws(() => valid.password('12345678\u0000'), /NUL/)
    assert.throws(() => valid.searchText('a\u0000'), /A search cannot contain the NUL character/)
    assert.throws(() => valid.slug('a\u0000b', 'x'), Invalid)
    assert.equal(valid.isSlug('team-chat'), true)
    for (const bad of ['a\u0000b', 'A', 'a--b', 'x'.repeat(49), 7]) assert.equal(valid.isSlug(bad), false)
    assert.equal(valid.isUsername('a\u0000b'), false)
    assert.equal(valid.cursor(String(valid.MAX_CURSOR)), valid.MAX_CURSOR)
    // Past the largest message number the columns hold (less a page): the literals only if they are past it.
    const past = [String(valid.MAX_CURSOR + 1), '2147483647', '99999999999', '9'.repeat(17)]
    for (const bad of past.filter((n) => Number(n) > valid.MAX_CURSOR))
      assert.throws(() => valid.cursor(bad), Invalid, bad)
  })

  it('round-trips bus envelopes', () => {
    assert.deepEqual(decodeFrame(encodeFrame({ seq: 12, html: '<a>\nb</a>' })), {
      seq: 12,
      html: '<a>\nb</a>',
    })
    assert.deepEqual(decodeFrame(encodeFrame({ seq: 3, html: 'x', at: 1795000000000 })), {
      seq: 3,
      html: 'x',
      at: 1795000000000,
    })
    assert.equal(decodeFrame('garbage'), undefined)
    assert.equal(decodeFrame('1 soon\nx'), undefined)
  })
})
