import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { RESET_LINK_HOURS } from '../../src/chat/people.ts'
import { manualClock } from '../../src/clock.ts'
import { readConfig } from '../../src/config.ts'
import { signIn } from '../support/admin.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { userId } from '../support/db-lookups.ts'
import { HttpUser, PASSWORD } from '../support/http.ts'
import { upgradeStatus } from '../support/socket.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

/** Sessions and reset links end when the app's clock says so: the test moves it on instead of waiting. */
for (const backend of backends()) {
  describe(`expiries by the app's clock [${backend.name}]`, { timeout: 60_000 }, () => {
    let app: TestApp
    let root: HttpUser
    const clock = manualClock()
    before(async () => {
      app = await startTestApp(backend, {}, { clock })
      root = await HttpUser.signUp(app.url, 'root')
    })
    after(() => app?.close())

    it('keeps a session to its last minute, and ends it after', async () => {
      const days = readConfig(app.env).sessionDays
      const ann = await HttpUser.signUp(app.url, 'ann')
      const upgrade = () => upgradeStatus(app.url, 'general', { cookie: ann.cookieHeader, origin: app.url })
      clock.advance(days * 24 * HOUR - MINUTE)
      assert.equal((await ann.get('/')).status, 200, 'a minute before its end')
      assert.equal(await upgrade(), 101, 'a socket opens a minute before its end')
      clock.advance(2 * MINUTE)
      assert.equal(await upgrade(), 401, 'no socket opens a minute after')
      const res = await ann.get('/')
      assert.equal(res.status, 302, 'a minute after')
      assert.equal(res.location, '/login')
    })

    it(`keeps a reset link for ${RESET_LINK_HOURS} hours, then it is gone`, async () => {
      // root's session started before the last test moved the clock on: sign in again.
      root = (await signIn(app.url, 'root', PASSWORD)).user
      await HttpUser.signUp(app.url, 'ben')
      const page = await root.post(`/admin/people/${await userId(app, 'ben')}/reset-link`, {})
      const path = /value="https?:\/\/[^"/]+(\/reset\/[A-Za-z0-9_-]+)"/.exec(page.html)?.[1]
      assert.ok(path, `a link on the page: ${page.status}`)
      const visitor = new HttpUser(app.url)
      clock.advance(RESET_LINK_HOURS * HOUR - MINUTE)
      assert.equal((await visitor.get(path)).status, 200, 'a minute before it ends')
      clock.advance(2 * MINUTE)
      assert.equal((await visitor.get(path)).status, 404, 'a minute after')
      assert.equal((await visitor.post(path, { password: 'a brand new password' })).status, 404)
    })
  })
}
