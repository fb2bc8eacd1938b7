import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { hashToken, newToken } from '../../src/auth/tokens.ts'
import { manualClock } from '../../src/clock.ts'
import { insertSession } from '../../src/store/sessions.repo.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { userId } from '../support/db-lookups.ts'
import { HttpUser } from '../support/http.ts'
import { settled } from '../support/settled.ts'
import { type Closed, openSocket } from '../support/socket.ts'

// The socket's own timer (realtime/socket/session-expiry.ts) runs on the app's clock: the test moves it on.
/** Within this long (real time) of the clock passing its session's end the socket must be closed. */
const GRACE_MS = 5000

for (const backend of backends()) {
  describe(`a socket ends with the session that opened it [${backend.name}]`, { timeout: 60_000 }, () => {
    let app: TestApp
    const clock = manualClock()
    before(async () => {
      app = await startTestApp(backend, {}, { clock })
    })
    after(() => app?.close())

    /** A second session of `user` that ends in `ms`, as a cookie jar the socket helper can use. */
    async function shortSession(user: HttpUser, ms: number): Promise<{ visitor: HttpUser; endsAt: number }> {
      const token = newToken()
      const endsAt = clock.now() + ms
      await insertSession(app.store.db, hashToken(token), await userId(app, 'eve'), new Date(endsAt))
      const cookieHeader = `parley_session=${token}`
      return { visitor: { base: user.base, cookieHeader } as HttpUser, endsAt }
    }

    it('closes the socket with 4401 when the session expires, as HTTP then refuses it', async () => {
      const eve = await HttpUser.signUp(app.url, 'eve')
      const lasting = await openSocket(eve, 'general')
      const { visitor, endsAt } = await shortSession(eve, 2000)
      const expiring = await openSocket(visitor, 'general')
      clock.advance(endsAt - clock.now() - 1)
      await settled(expiring) // answered: the socket was not closed within that advance
      assert.equal(expiring.ws.readyState, expiring.ws.OPEN, 'open a millisecond before the session ends')
      clock.advance(1)
      const timeout = new Promise<Closed>((resolve) =>
        setTimeout(() => resolve({ code: 0, reason: 'still open' }), GRACE_MS).unref(),
      )
      const closed = await Promise.race([expiring.closed, timeout])
      assert.equal(closed.code, 4401, `closed with ${closed.code} (${closed.reason})`)
      assert.ok(clock.now() >= endsAt - 50, 'not before the session ends')
      const page = await fetch(`${app.url}/rooms/general`, {
        headers: { cookie: visitor.cookieHeader },
        redirect: 'manual',
      })
      assert.equal(page.status, 302, 'over HTTP the cookie is refused too (sent to sign in)')
      assert.match(page.headers.get('location') ?? '', /^\/login/)
      assert.equal(lasting.ws.readyState, lasting.ws.OPEN, "the person's other session keeps its socket")
      await lasting.close()
    })
  })
}
