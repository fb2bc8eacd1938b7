import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { storedWithBody } from '../support/db-lookups.ts'
import { HttpUser } from '../support/http.ts'
import { isAnswer, isStored, openSocket, type TestSocket } from '../support/socket.ts'

const answersTo = (s: TestSocket, key: string) =>
  s.frames.filter((f) => isAnswer(f) && f.startsWith(`<hx-partial hx-target="#send-${key}"`))
const isRetry = (f: string) => f.includes('class="send retry"')
const isRefusal = (f: string) => isAnswer(f) && !isStored(f) && !isRetry(f)

/** What sending.js does with a send: the same frame, marked as a resend, again after a growing wait. */
function resender(s: TestSocket, user: HttpUser) {
  const tries = new Map<string, number>()
  const resend = (key: string, body: string) =>
    s.sendJson({ body, client_id: key, _csrf: user.csrf, resend: true, headers: { 'HX-Request': 'true' } })
  s.ws.on('message', (data) => {
    for (const m of data
      .toString()
      .matchAll(
        /#send-([\w-]+)" hx-swap="outerHTML"><li [^>]*class="send retry"><span class="body">([^<]*)</g,
      )) {
      const [key, body] = [m[1] as string, m[2] as string]
      const n = tries.get(key) ?? 0
      tries.set(key, n + 1)
      setTimeout(() => resend(key, body), 1000 * 2 ** n).unref()
    }
  })
  return { resend, tries }
}

/**
 * The real rate limit (MESSAGE_BURST=5, MESSAGES_PER_10S=10, the defaults): what a page sends again is
 * never refused as "Slow down", so it is never handed back to be sent a second time under a new key.
 */
for (const backend of backends()) {
  describe(`resends under the real rate limit [${backend.name}]`, { timeout: 90_000 }, () => {
    let app: TestApp
    const open: TestSocket[] = []
    before(async () => {
      app = await startTestApp(backend, { MESSAGE_BURST: '5', MESSAGES_PER_10S: '10' })
    })
    after(async () => {
      for (const s of open) s.ws.terminate()
      await app?.close()
    })
    const socket = async (user: HttpUser) => {
      const s = await openSocket(user, 'general')
      open.push(s)
      return s
    }

    it('8 sends whose answers were lost, all resent at once after a reconnect: each stored once, none refused', async () => {
      const cal = await HttpUser.signUp(app.url, 'cal')
      const first = await socket(cal)
      const sends = Array.from({ length: 8 }, (_, i) => ({ key: randomUUID(), body: `lost answer ${i}` }))
      for (const { key, body } of sends) first.sendMessage({ body, client_id: key, _csrf: cal.csrf })
      // The connection drops before any answer comes back.
      await first.close()
      const again = await socket(cal)
      const { resend, tries } = resender(again, cal)
      for (const { key, body } of sends) resend(key, body)
      const settled = (k: string) => answersTo(again, k).some((f) => isStored(f) || isRefusal(f))
      await again.waitFor(() => sends.every(({ key }) => settled(key)), 'every resend settled', 30_000)
      for (const { key, body } of sends) {
        assert.deepEqual(answersTo(again, key).filter(isRefusal), [], `"${body}" never refused`)
        assert.equal(await storedWithBody(app, body), 1, `"${body}" stored once`)
      }
      assert.ok(
        [...tries.values()].every((n) => n <= 4),
        'a few retries, with backoff',
      )
    })

    it('a resend of a stored key costs no token: many resends past the burst are all answered "stored"', async () => {
      const dee = await HttpUser.signUp(app.url, 'dee')
      const s = await socket(dee)
      const { resend } = resender(s, dee)
      const sends = Array.from({ length: 5 }, (_, i) => ({ key: randomUUID(), body: `paid once ${i}` }))
      for (const { key, body } of sends) s.sendMessage({ body, client_id: key, _csrf: dee.csrf })
      await s.waitFor(() => sends.every(({ key }) => answersTo(s, key).some(isStored)), 'five stored')
      // The burst is spent: each of these is free only because its message is stored already.
      for (let round = 0; round < 3; round++) for (const { key, body } of sends) resend(key, body)
      await s.waitFor(() => sends.every(({ key }) => answersTo(s, key).length >= 4), 'every resend answered')
      for (const { key, body } of sends) {
        assert.equal(
          answersTo(s, key).filter(isStored).length,
          4,
          `"${body}": each resend answered "stored" at once`,
        )
        assert.equal(await storedWithBody(app, body), 1)
      }
    })

    it('without JavaScript too: "Send again" of a stored post costs no token, past the burst', async () => {
      const eve = await HttpUser.signUp(app.url, 'eve')
      const post = (key: string, body: string) =>
        eve.post('/rooms/general/messages', { body, client_id: key })
      const keys = Array.from({ length: 5 }, () => randomUUID())
      for (const [i, key] of keys.entries()) assert.equal((await post(key, `posted ${i}`)).status, 303)
      for (let round = 0; round < 2; round++)
        for (const [i, key] of keys.entries())
          assert.equal((await post(key, `posted ${i}`)).status, 303, `"Send again" of post ${i} is answered`)
      for (let i = 0; i < 5; i++) assert.equal(await storedWithBody(app, `posted ${i}`), 1)
    })
  })
}
