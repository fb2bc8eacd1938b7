import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { addMember, createRoom, hxPost, say } from '../support/admin.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { auditCount, roomRow, userId, userRow } from '../support/db-lookups.ts'
import { HttpUser } from '../support/http.ts'

for (const backend of backends()) {
  describe(`administration is for admins only [${backend.name}]`, { timeout: 60_000 }, () => {
    let app: TestApp
    let admin: HttpUser
    let member: HttpUser
    let visitor: HttpUser
    let routes: Array<[method: 'GET' | 'POST', path: string, form?: Record<string, string>]>
    before(async () => {
      app = await startTestApp(backend)
      admin = await HttpUser.signUp(app.url, 'root')
      member = await HttpUser.signUp(app.url, 'mia')
      await HttpUser.signUp(app.url, 'ole')
      const room = await createRoom(admin, { name: 'Vault', private: true })
      await addMember(admin, room, 'ole')
      await say(admin, 'vault', 'kept safe')
      const mia = await userId(app, 'mia')
      const ole = await userId(app, 'ole')
      const root = await userId(app, 'root')
      routes = [
        ['GET', '/admin'],
        ['GET', '/admin/rooms'],
        ['POST', '/admin/rooms', { name: 'Sneaky', private: 'on' }],
        ['GET', `/admin/rooms/${room}`],
        ['POST', `/admin/rooms/${room}`, { name: 'Pwned', slug: 'pwned', topic: 'x' }],
        ['POST', `/admin/rooms/${room}/archive`],
        ['POST', `/admin/rooms/${room}/unarchive`],
        ['GET', `/admin/rooms/${room}/delete`],
        ['POST', `/admin/rooms/${room}/delete`],
        ['POST', `/admin/rooms/${room}/members`, { username: 'mia' }],
        ['POST', `/admin/rooms/${room}/members/${ole}/remove`],
        ['GET', '/admin/people'],
        ['POST', `/admin/people/${mia}/promote`],
        ['POST', `/admin/people/${root}/demote`],
        ['GET', `/admin/people/${root}/deactivate`],
        ['POST', `/admin/people/${root}/deactivate`],
        ['POST', `/admin/people/${ole}/reactivate`],
        ['POST', `/admin/people/${root}/reset-link`],
        ['GET', '/admin/audit'],
      ]
      visitor = new HttpUser(app.url)
      await visitor.get('/login') // a visitor's CSRF token: the request gets past the CSRF check to the guard
      assert.ok(visitor.csrf)
    })
    after(() => app?.close())

    /** Everything the refused requests could have changed. */
    const snapshot = async () => ({
      audit: await auditCount(app),
      rooms: await app.store.db
        .selectFrom('rooms')
        .select(['id', 'slug', 'name', 'private', 'archived_at'])
        .execute(),
      users: await app.store.db
        .selectFrom('users')
        .select(['id', 'role', 'deactivated_at'])
        .orderBy('id')
        .execute(),
      members: await app.store.db.selectFrom('room_members').select(['room_id', 'user_id']).execute(),
      resets: (await app.store.db.selectFrom('password_resets').select('token_hash').execute()).length,
    })

    it('lets the admin in: /admin goes to /admin/rooms, and every page answers 200', async () => {
      const res = await admin.get('/admin')
      assert.equal(res.status, 302)
      assert.equal(res.location, '/admin/rooms')
      for (const [method, path] of routes) {
        if (method !== 'GET' || path === '/admin') continue
        assert.equal((await admin.get(path)).status, 200, path)
      }
    })

    it('refuses a member with 403 on every admin route, GET and POST, and changes nothing', async () => {
      const was = await snapshot()
      for (const [method, path, form] of routes) {
        const res = method === 'GET' ? await member.get(path) : await member.post(path, form ?? {})
        assert.equal(res.status, 403, `${method} ${path}`)
        assert.match(res.html, /Only admins can do that/, `${method} ${path}`)
      }
      assert.deepEqual(await snapshot(), was)
      assert.equal((await userRow(app, await userId(app, 'mia'))).role, 'member')
    })

    it('sends a signed-out visitor to sign in (GET), answers 401 to a POST, and changes nothing', async () => {
      const was = await snapshot()
      for (const [method, path, form] of routes) {
        if (method === 'GET') {
          const res = await visitor.get(path)
          assert.equal(res.status, 302, `GET ${path}`)
          assert.equal(res.location, `/login?next=${encodeURIComponent(path)}`, `GET ${path}`)
        } else {
          const res = await visitor.post(path, form ?? {})
          assert.equal(res.status, 401, `POST ${path}`)
          assert.match(res.html, /Please sign in/, `POST ${path}`)
        }
      }
      // Without a CSRF token a POST is refused before anything else.
      const forged = await visitor.request('/admin/rooms', { form: { name: 'Forged' } })
      assert.equal(forged.status, 403)
      assert.deepEqual(await snapshot(), was)
    })

    it('refuses an admin POST without the CSRF token (403), with the header token accepted instead', async () => {
      const room = await createRoom(admin, { name: 'Csrf Check' })
      const forged = await admin.request(`/admin/rooms/${room}/archive`, { form: { _csrf: 'wrong' } })
      assert.equal(forged.status, 403)
      assert.equal((await roomRow(app, room))?.archived_at, null)
      const viaHeader = await hxPost(admin, `/admin/rooms/${room}/archive`)
      assert.equal(viaHeader.status, 204)
      assert.equal(viaHeader.headers.get('HX-Redirect'), `/admin/rooms/${room}?done=archived`)
      assert.notEqual((await roomRow(app, room))?.archived_at, null)
    })

    it('answers 404 for rooms and people that do not exist', async () => {
      for (const path of ['/admin/rooms/999999', '/admin/rooms/abc', '/admin/people/999999/deactivate']) {
        assert.equal((await admin.get(path)).status, 404, path)
      }
      for (const path of ['/admin/rooms/999999/archive', '/admin/people/999999/promote']) {
        assert.equal((await admin.post(path, {})).status, 404, path)
      }
    })

    it('shows an admin the way in; a member gets no link', async () => {
      assert.match((await admin.get('/')).html, /<a class="admin-link" href="\/admin\/rooms">/)
      assert.doesNotMatch((await member.get('/')).html, /href="\/admin/)
    })
  })
}
