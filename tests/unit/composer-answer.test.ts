import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { composerAnswer, type PostOutcome } from '../../src/chat/composer-answer.ts'
import { Forbidden, Invalid, NotFound, RateLimited } from '../../src/chat/errors.ts'
import type { Message } from '../../src/chat/types.ts'

const message: Message = {
  id: 7,
  roomId: 1,
  seq: 3,
  authorId: 2,
  author: 'ann',
  body: 'hi',
  createdAt: new Date(0),
}
const pgError = (code: string) => Object.assign(new Error('connection error'), { code })
const key = '0b8e2c1e-6f1f-4a57-9f63-6a3f0f6e8a10'

// Every answer a composer gets, on the socket or as a no-JS page, by outcome × (key, resend): one table.
const cases: Array<
  [what: string, outcome: PostOutcome, send: { key?: string; resend?: boolean }, want: object]
> = [
  ['stored', { message, key }, {}, { kind: 'stored', key, message }],
  [
    'bad input: its fields',
    { err: new Invalid({ body: 'Too long.', client_id: 'Reload.' }) },
    { key },
    { kind: 'refused', reason: 'Too long. Reload.' },
  ],
  ['archived', { err: new Forbidden('Archived.') }, { key }, { kind: 'refused', reason: 'Archived.' }],
  [
    'too quick',
    { err: new RateLimited('Slow down.', 1000) },
    { key },
    { kind: 'refused', reason: 'Slow down.' },
  ],
  [
    'a resend too quick is held, not handed back',
    { err: new RateLimited('Slow down.', 1000) },
    { key, resend: true },
    { kind: 'retry', cause: 'rate-limited', key, note: 'Not sent yet: many messages at once. Trying again…' },
  ],
  [
    'a keyless resend too quick is refused',
    { err: new RateLimited('Slow down.', 1000) },
    { resend: true },
    { kind: 'refused', reason: 'Slow down.' },
  ],
  [
    'database refused',
    { err: pgError('ECONNREFUSED') },
    { key },
    { kind: 'retry', cause: 'unavailable', key },
  ],
  [
    'connection lost mid-statement',
    { err: pgError('ECONNRESET') },
    { key },
    { kind: 'retry', cause: 'unknown', key },
  ],
  ['database away, no key to send it under', { err: pgError('ECONNREFUSED') }, {}, { kind: 'failed' }],
  [
    'a missing room is not the composer’s to say',
    { err: new NotFound('That room') },
    { key },
    { kind: 'failed' },
  ],
  ['our bug', { err: new TypeError('oops') }, { key }, { kind: 'failed' }],
]

describe('composerAnswer: every answer to a send, worded once', () => {
  for (const [what, outcome, send, want] of cases)
    it(what, () => {
      const answer = composerAnswer(outcome, { key: send.key, resend: send.resend === true })
      assert.deepEqual(
        Object.fromEntries(Object.keys(want).map((k) => [k, answer[k as keyof typeof answer]])),
        want,
      )
    })

  it('words the database away for the socket and the no-JS page alike', () => {
    const away = composerAnswer({ err: pgError('ECONNREFUSED') }, { key, resend: false })
    const lost = composerAnswer({ err: pgError('ECONNRESET') }, { key, resend: false })
    assert.ok(away.kind === 'retry' && away.cause === 'unavailable')
    assert.ok(lost.kind === 'retry' && lost.cause === 'unknown')
    assert.equal(away.note, 'Not sent yet: Parley cannot reach its database. Trying again…')
    assert.equal(away.page.title, 'Not sent')
    assert.match(away.page.text, /nothing was saved/)
    assert.equal(
      lost.note,
      'Not confirmed yet: the database connection was lost before it answered. Checking again…',
    )
    assert.equal(lost.page.title, 'Not confirmed')
    assert.match(lost.page.text, /may or may not have been saved/)
  })

  it('hands back the text of a failure of ours', () => {
    const failed = composerAnswer({ err: new Error('oops') }, { key, resend: false })
    assert.ok(failed.kind === 'failed')
    assert.match(failed.reason, /^Your message was not sent: something went wrong on our side/)
  })
})
