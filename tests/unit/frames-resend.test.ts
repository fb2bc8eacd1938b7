import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseFrame } from '../../src/realtime/socket/frames-in.ts'

describe('a send frame marked as a resend', () => {
  const send = (extra: object) =>
    parseFrame(JSON.stringify({ body: 'hi', client_id: 'abcdefgh', _csrf: 't', headers: {}, ...extra }))

  it('says so when resend is true, and not when it is false or absent', () => {
    assert.deepEqual(send({ resend: true }), {
      type: 'send',
      body: 'hi',
      clientId: 'abcdefgh',
      csrf: 't',
      resend: true,
    })
    for (const f of [send({ resend: false }), send({})]) assert.ok(f.type === 'send' && !('resend' in f))
  })

  it('is refused when resend is not a boolean', () => {
    for (const resend of ['true', 1, null, {}])
      assert.deepEqual(send({ resend }), { type: 'invalid', reason: 'resend must be true or false' })
  })
})
