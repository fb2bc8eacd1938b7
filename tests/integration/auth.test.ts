import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { manualClock } from '../../src/clock.ts'
import { readConfig } from '../../src/config.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { HttpUser, PASSWORD } from '../support/http.ts'

for (const backend of backends()) {
  describe(`accounts and sessions [${backend.name}]`, { timeout: 60_000 }, () => {
    let app: TestApp
    const clock = manualClock()
    before(async () => {
      app = await startTestApp(backend, {}, { clock })
    })
    after(() => app?.close())

    it('sends the first visitor of a fresh install to sign up, as the admin-to-be', async () => {
      const visitor = new HttpUser(app.url)
      const home = await visitor.get('/')
      assert.equal(home.status, 302)
      assert.equal(home.location, '/signup')
      const signup = await visitor.get('/signup')
      assert.match(signup.html, /first account of this Parley: it will be the admin/)
      assert.match(signup.html, /<label for="field-username">Username<\/label>/)
      assert.match(signup.html, /<label for="field-password">Password<\/label>/)
      assert.match(signup.html, /<button type="submit">Sign up<\/button>/)
    })

    it('makes the first account an admin and later ones members', async () => {
      const root = await HttpUser.signUp(app.url, 'root')
      const mia = await HttpUser.signUp(app.url, 'mia')
      assert.match((await root.get('/')).html, /Signed in as <strong>root<\/strong> \(admin\)/)
      const home = (await mia.get('/')).html
      assert.match(home, /Signed in as <strong>mia<\/strong>/)
      assert.doesNotMatch(home, /\(admin\)/)
      const roles = await app.store.db
        .selectFrom('users')
        .select(['username', 'role'])
        .orderBy('id')
        .execute()
      assert.deepEqual(roles, [
        { username: 'root', role: 'admin' },
        { username: 'mia', role: 'member' },
      ])
    })

    it('refuses bad usernames and passwords inline, keeping the username', async () => {
      const v = new HttpUser(app.url)
      await v.get('/signup')
      let res = await v.post('/signup', { username: 'bad name!', password: PASSWORD })
      assert.equal(res.status, 422)
      assert.match(res.html, /id="error-username"[^>]*>Use 1 to 32 letters/)
      assert.match(res.html, /value="bad name!"/)
      res = await v.post('/signup', { username: 'shorty', password: '1234567' })
      assert.equal(res.status, 422)
      assert.match(res.html, /id="error-password"[^>]*>Use at least 8 characters/)
      res = await v.post('/signup', { username: 'x'.repeat(33), password: PASSWORD })
      assert.equal(res.status, 422)
    })

    it('keeps usernames unique regardless of case', async () => {
      await HttpUser.signUp(app.url, 'Casey')
      const v = new HttpUser(app.url)
      await v.get('/signup')
      const res = await v.post('/signup', { username: 'cASEY', password: PASSWORD })
      assert.equal(res.status, 422)
      assert.match(res.html, /That username is taken/)
    })

    it('stores an argon2id hash, never the password', async () => {
      await HttpUser.signUp(app.url, 'hashme', 'my secret passphrase')
      const row = await app.store.db
        .selectFrom('users')
        .select('password_hash')
        .where('username', '=', 'hashme')
        .executeTakeFirstOrThrow()
      assert.match(row.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
      assert.doesNotMatch(row.password_hash, /my secret passphrase/)
    })

    it('signs in with the right password only, with one message for unknown user and wrong password', async () => {
      await HttpUser.signUp(app.url, 'lena')
      const v = new HttpUser(app.url)
      await v.get('/login')
      const wrong = await v.post('/login', { username: 'lena', password: 'not the password' })
      const unknown = await v.post('/login', { username: 'nobody-here', password: PASSWORD })
      for (const res of [wrong, unknown]) {
        assert.equal(res.status, 422)
        assert.match(res.html, /Wrong username or password\./)
      }
      const ok = await v.post('/login', { username: 'LENA', password: PASSWORD, next: '/rooms/general' })
      assert.equal(ok.status, 303)
      assert.equal(ok.location, '/rooms/general')
    })

    it('never redirects off-site after sign-in', async () => {
      await HttpUser.signUp(app.url, 'nora')
      const v = new HttpUser(app.url)
      await v.get('/login')
      const res = await v.post('/login', { username: 'nora', password: PASSWORD, next: '//evil.example/x' })
      assert.equal(res.location, '/')
    })

    it('sets an HttpOnly, SameSite=Lax session cookie, stores only its hash, and rotates it at sign-in', async () => {
      const v = new HttpUser(app.url)
      await v.get('/signup')
      const res = await fetch(`${app.url}/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: v.cookieHeader },
        body: new URLSearchParams({ _csrf: v.csrf, username: 'cookie-check', password: PASSWORD }),
        redirect: 'manual',
      })
      const session = res.headers.getSetCookie().find((c) => c.startsWith('parley_session='))
      assert.ok(session, 'a session cookie is set')
      assert.match(session, /httponly/i)
      assert.match(session, /samesite=lax/i)
      const token = session.slice('parley_session='.length).split(';')[0] as string
      assert.equal(token.length, 43, '256 random bits, base64url')
      const stored = await app.store.db.selectFrom('sessions').select('token_hash').execute()
      assert.ok(stored.every((s) => s.token_hash !== token))
      assert.ok(stored.some((s) => s.token_hash.length === 64))
    })

    it('signs out: the old cookie no longer works', async () => {
      const u = await HttpUser.signUp(app.url, 'leaver')
      const oldCookie = u.cookieHeader
      const res = await u.post('/logout', {})
      assert.equal(res.status, 303)
      const again = await fetch(`${app.url}/rooms/general`, {
        headers: { cookie: oldCookie },
        redirect: 'manual',
      })
      assert.equal(again.status, 302)
      assert.match(again.headers.get('location') ?? '', /^\/login\?next=/)
    })

    it('ends expired sessions', async () => {
      const u = await HttpUser.signUp(app.url, 'expiring')
      clock.advance(readConfig(app.env).sessionDays * 86_400_000 + 1000) // SESSION_DAYS and a second on
      const res = await u.get('/')
      assert.equal(res.status, 302)
      assert.equal(res.location, '/login')
    })

    it('refuses a form without the CSRF token, and stores nothing', async () => {
      const v = new HttpUser(app.url)
      await v.get('/signup')
      const res = await v.request('/signup', { form: { username: 'csrf-less', password: PASSWORD } })
      assert.equal(res.status, 403)
      const res2 = await v.request('/signup', {
        form: { _csrf: 'forged', username: 'csrf-less', password: PASSWORD },
      })
      assert.equal(res2.status, 403)
      const row = await app.store.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'csrf-less')
        .executeTakeFirst()
      assert.equal(row, undefined)
    })
  })
}
