import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEVICE_MAX_AGE_MS, deviceNonce, newDeviceToken } from '../../src/auth/device.ts'

const SECRET = 'a secret of the server'
const ann = { id: 7, passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$one' }

describe('device cookies', () => {
  it("are this account's, with this password, for a year, and cannot be altered", () => {
    const now = Date.UTC(2026, 11, 1)
    const token = newDeviceToken(SECRET, ann.id, ann.passwordHash, now)
    const nonce = deviceNonce(SECRET, token, ann, now)
    assert.ok(nonce && token.includes(nonce), 'valid for its account')
    assert.equal(deviceNonce(SECRET, token, { ...ann, id: 8 }, now), undefined, 'not for another account')
    assert.equal(
      deviceNonce(SECRET, token, { ...ann, passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$two' }, now),
      undefined,
      'a new password voids it',
    )
    assert.equal(deviceNonce('another secret', token, ann, now), undefined, 'only this server makes them')
    assert.equal(deviceNonce(SECRET, token, ann, now + DEVICE_MAX_AGE_MS + 1), undefined, 'a year at most')
    const [id, issued, n, sig] = token.split('.')
    assert.equal(deviceNonce(SECRET, `${id}.${Number(issued) + 1}.${n}.${sig}`, ann, now + 5), undefined)
    assert.equal(deviceNonce(SECRET, `${id}.${issued}.${n}x.${sig}`, ann, now), undefined)
    assert.equal(deviceNonce(SECRET, `${token}.extra`, ann, now), undefined)
    assert.equal(deviceNonce(SECRET, undefined, ann, now), undefined)
  })
})
