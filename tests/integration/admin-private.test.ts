import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  addMember,
  closedWithin,
  createRoom,
  expectAudit,
  isOpen,
  liveSocket,
  say,
} from '../support/admin.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { auditCount, isMemberOf, roomRow, userId } from '../support/db-lookups.ts'
import { HttpUser } from '../support/http.ts'
import { flush } from '../support/settled.ts'
import { type TestSocket, upgradeStatus } from '../support/socket.ts'

const HX = { 'HX-Request': 'true' }

for (const backend of backends()) {
  describe(`administration: private rooms and members [${backend.name}]`, { timeout: 90_000 }, () => {
    let app: TestApp
    let admin: HttpUser
    let ann: HttpUser
    let ben: HttpUser
    const sockets: TestSocket[] = []
    const upgrade = (user: HttpUser, slug: string) =>
      upgradeStatus(app.url, slug, { cookie: user.cookieHeader, origin: app.url })
    before(async () => {
      app = await startTestApp(backend)
      admin = await HttpUser.signUp(app.url, 'root')
      ann = await HttpUser.signUp(app.url, 'ann')
      ben = await HttpUser.signUp(app.url, 'ben')
      await say(admin, 'general', 'welcome') // a room with messages: its sockets get a replay frame once live
    })
    after(async () => {
      for (const s of sockets) s.ws.terminate()
      await app?.close()
    })

    it('is for its members and the admins: anyone else gets the 404 of a missing room everywhere, and no listing', async () => {
      const id = await createRoom(admin, { name: 'Secret', private: true })
      await addMember(admin, id, 'ann')
      const msg = await say(ann, 'secret', 'for members only')
      const missing = await ben.get('/rooms/no-such-room')
      const page = await ben.get('/rooms/secret')
      assert.equal(page.status, 404)
      assert.equal(
        page.html,
        missing.html.replaceAll('no-such-room', 'secret'),
        'its existence does not leak',
      )
      assert.doesNotMatch(page.html, /for members only/)
      const fragment = await ben.get('/rooms/secret/messages?before=2', HX)
      assert.equal(fragment.status, 404)
      assert.doesNotMatch(fragment.html, /for members only/)
      const last = (await roomRow(app, id))?.last_seq
      const post = await ben.post('/rooms/secret/messages', { body: 'let me in', client_id: 'ben-secret-1' })
      assert.equal(post.status, 404)
      assert.equal((await roomRow(app, id))?.last_seq, last, 'nothing stored')
      assert.equal(await upgrade(ben, 'secret'), 404)
      for (const path of [`/messages/${msg}`, `/messages/${msg}/edit`, `/messages/${msg}/delete`]) {
        assert.equal((await ben.get(path)).status, 404, path)
        assert.equal((await ben.get(path, HX)).status, 404, `${path} (htmx)`)
      }
      assert.equal((await ben.post(`/messages/${msg}/delete`, {})).status, 404)
      assert.doesNotMatch((await ben.get('/')).html, /\/rooms\/secret/)
      // Its member and the admin: all of it.
      for (const user of [ann, admin]) {
        assert.equal((await user.get('/rooms/secret')).status, 200)
        assert.match((await user.get('/rooms/secret/messages?after=0', HX)).html, /for members only/)
        assert.equal(await upgrade(user, 'secret'), 101)
        assert.match((await user.get(`/messages/${msg}`, HX)).html, /for members only/)
        assert.match(
          (await user.get('/')).html,
          /<a href="\/rooms\/secret">.*?<span class="badge">private<\/span>/,
        )
      }
    })

    it('keeps a renamed private room hidden at its old address too (no redirect for outsiders)', async () => {
      const id = await createRoom(admin, { name: 'Hush', private: true })
      await addMember(admin, id, 'ann')
      const res = await admin.post(`/admin/rooms/${id}`, { name: 'Quiet', slug: 'quiet', private: 'on' })
      assert.equal(res.status, 303)
      assert.equal((await ann.get('/rooms/hush')).location, '/rooms/quiet')
      const outsider = await ben.get('/rooms/hush')
      assert.equal(outsider.status, 404)
      assert.equal(outsider.location, null)
      assert.equal(await upgrade(ben, 'hush'), 404)
    })

    it('adds and removes members: rows, member.add/member.remove audit rows; bad names are inline errors', async () => {
      const id = await createRoom(admin, { name: 'Inner', private: true })
      const annId = await userId(app, 'ann')
      let n = await auditCount(app)
      let res = await admin.post(`/admin/rooms/${id}/members`, { username: ' ANN ' })
      assert.equal(res.status, 303)
      assert.equal(res.location, `/admin/rooms/${id}?done=added#members`)
      assert.ok(await isMemberOf(app, id, annId))
      await expectAudit(app, n, {
        action: 'member.add',
        actor: 'root',
        targetType: 'room',
        targetId: id,
        target: /^Inner \(\/rooms\/inner\)$/,
        detail: 'ann',
      })
      const page = (await admin.get(`/admin/rooms/${id}?done=added`)).html
      assert.match(page, /Member added\./)
      assert.match(
        page,
        new RegExp(`<li>ann <form class="inline" action="/admin/rooms/${id}/members/${annId}/remove"`),
      )
      n = await auditCount(app)
      res = await admin.post(`/admin/rooms/${id}/members`, { username: 'nobody' })
      assert.equal(res.status, 422)
      assert.match(res.html, /id="error-username"[^>]*>There is nobody called &quot;nobody&quot;\./)
      assert.match(res.html, /name="username" type="text" value="nobody"/)
      res = await admin.post(`/admin/rooms/${id}/members`, { username: 'ann' })
      assert.equal(res.status, 422)
      assert.match(res.html, /id="error-username"[^>]*>ann is a member already\./)
      res = await admin.post(`/admin/rooms/${id}/members`, { username: '' })
      assert.equal(res.status, 422)
      assert.match(res.html, /id="error-username"[^>]*>Pick someone to add\./)
      assert.equal(await auditCount(app), n, 'refused additions are not logged')
      assert.equal((await ann.get('/rooms/inner')).status, 200)
      res = await admin.post(`/admin/rooms/${id}/members/${annId}/remove`, {})
      assert.equal(res.status, 303)
      assert.equal(res.location, `/admin/rooms/${id}?done=removed#members`)
      assert.equal(await isMemberOf(app, id, annId), false)
      await expectAudit(app, n, {
        action: 'member.remove',
        actor: 'root',
        targetType: 'room',
        targetId: id,
        detail: 'ann',
      })
      assert.equal((await ann.get('/rooms/inner')).status, 404)
      assert.equal(
        (await admin.post(`/admin/rooms/${id}/members/${annId}/remove`, {})).status,
        404,
        'not a member',
      )
    })

    it("closes a removed member's sockets in that room with 4403, and nobody else's", async () => {
      const id = await createRoom(admin, { name: 'Cabal', private: true })
      await addMember(admin, id, 'ann')
      await addMember(admin, id, 'ben')
      await say(ann, 'cabal', 'hello cabal')
      const [a1, a2] = [await liveSocket(ann, 'cabal', sockets), await liveSocket(ann, 'cabal', sockets)]
      const aGeneral = await liveSocket(ann, 'general', sockets)
      const b = await liveSocket(ben, 'cabal', sockets)
      const r = await liveSocket(admin, 'cabal', sockets)
      const res = await admin.post(`/admin/rooms/${id}/members/${await userId(app, 'ann')}/remove`, {})
      assert.equal(res.status, 303)
      for (const s of [a1, a2]) assert.equal((await closedWithin(s)).code, 4403)
      await flush(ben, 'cabal', 'still here', [b, r])
      await flush(ben, 'general', 'ann still reads general', [aGeneral])
      assert.ok(isOpen(b) && isOpen(r) && isOpen(aGeneral))
      assert.equal(await upgrade(ann, 'cabal'), 404, 'and cannot come back')
    })

    it('closes the non-members’ sockets with 4403 when an open room is made private; members and admins stay', async () => {
      const id = await createRoom(admin, { name: 'Lobby' })
      await addMember(admin, id, 'ann')
      await say(ben, 'lobby', 'open for now')
      const a = await liveSocket(ann, 'lobby', sockets)
      const b = await liveSocket(ben, 'lobby', sockets)
      const r = await liveSocket(admin, 'lobby', sockets)
      const n = await auditCount(app)
      const res = await admin.post(`/admin/rooms/${id}`, { name: 'Lobby', slug: 'lobby', private: 'on' })
      assert.equal(res.status, 303)
      assert.equal((await roomRow(app, id))?.private, true)
      await expectAudit(app, n, {
        action: 'room.update',
        actor: 'root',
        targetType: 'room',
        targetId: id,
        detail: 'private: false → true',
      })
      assert.equal((await closedWithin(b)).code, 4403)
      await flush(ann, 'lobby', 'members only now', [a, r])
      assert.ok(isOpen(a) && isOpen(r))
      assert.equal((await ben.get('/rooms/lobby')).status, 404)
    })

    it('closes a demoted admin’s sockets in private rooms they are not a member of (4403), and only those', async () => {
      const dee = await HttpUser.signUp(app.url, 'dee')
      const deeId = await userId(app, 'dee')
      assert.equal((await admin.post(`/admin/people/${deeId}/promote`, {})).status, 303)
      const kept = await createRoom(admin, { name: 'Dee Kept', private: true })
      await addMember(admin, kept, 'dee')
      await createRoom(admin, { name: 'Dee Lost', private: true })
      await say(admin, 'dee-kept', 'kept room')
      await say(admin, 'dee-lost', 'lost room')
      const lost = await liveSocket(dee, 'dee-lost', sockets)
      const stays = await liveSocket(dee, 'dee-kept', sockets)
      const open = await liveSocket(dee, 'general', sockets)
      assert.equal((await admin.post(`/admin/people/${deeId}/demote`, {})).status, 303)
      assert.equal((await closedWithin(lost)).code, 4403)
      await flush(admin, 'dee-kept', 'dee is a member here', [stays])
      await flush(admin, 'general', 'and general is open', [open])
      assert.ok(isOpen(stays) && isOpen(open))
      assert.equal((await dee.get('/rooms/dee-lost')).status, 404)
    })
  })
}
