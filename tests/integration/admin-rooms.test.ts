import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  closedWithin,
  createRoom,
  expectAudit,
  headFrames,
  hxPost,
  isOpen,
  liveSocket,
  say,
} from '../support/admin.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { auditCount, roomRow } from '../support/db-lookups.ts'
import { HttpUser } from '../support/http.ts'
import { flush } from '../support/settled.ts'
import { type TestSocket, upgradeStatus } from '../support/socket.ts'

for (const backend of backends()) {
  describe(`administration: rooms [${backend.name}]`, { timeout: 90_000 }, () => {
    let app: TestApp
    let admin: HttpUser
    let ann: HttpUser
    const sockets: TestSocket[] = []
    before(async () => {
      app = await startTestApp(backend)
      admin = await HttpUser.signUp(app.url, 'root')
      ann = await HttpUser.signUp(app.url, 'ann')
    })
    after(async () => {
      for (const s of sockets) s.ws.terminate()
      await app?.close()
    })

    it('creates a room with a slug made from its name, or the one given; writes room.create', async () => {
      let n = await auditCount(app)
      const id = await createRoom(admin, { name: '  Design   Review ', topic: 'Specs', private: true })
      assert.deepEqual(await roomRow(app, id), {
        id,
        slug: 'design-review',
        name: 'Design Review',
        topic: 'Specs',
        private: true,
        archived_at: null,
        last_seq: 0,
      })
      await expectAudit(app, n, {
        action: 'room.create',
        actor: 'root',
        targetType: 'room',
        targetId: id,
        target: /^Design Review \(\/rooms\/design-review\)$/,
        detail: 'private',
      })
      const page = await admin.get(`/admin/rooms/${id}?done=created`)
      assert.equal(page.status, 200)
      assert.match(page.html, /Room created\./)
      assert.match(page.html, /<h2 id="members-title">Members<\/h2>/, 'a private room shows its members')
      n = await auditCount(app)
      const ops = await createRoom(admin, { name: 'Ops', slug: 'ops-team' })
      assert.equal((await roomRow(app, ops))?.slug, 'ops-team')
      await expectAudit(app, n, {
        action: 'room.create',
        actor: 'root',
        targetType: 'room',
        targetId: ops,
        detail: 'open',
      })
      const list = (await admin.get('/admin/rooms')).html
      assert.match(
        list,
        new RegExp(
          `<a href="/admin/rooms/${id}">#Design Review</a> <span class="slug">/rooms/design-review</span></th><td>private</td>`,
        ),
      )
      assert.match(
        list,
        new RegExp(
          `<a href="/admin/rooms/${ops}">#Ops</a> <span class="slug">/rooms/ops-team</span></th><td>open</td>`,
        ),
      )
      assert.equal((await ann.get('/rooms/ops-team')).status, 200)
    })

    it('shows validation errors inline (422) with the input kept, and stores nothing', async () => {
      const n = await auditCount(app)
      const rooms = async () => (await app.store.db.selectFrom('rooms').select('id').execute()).length
      const count = await rooms()
      let res = await admin.post('/admin/rooms', {
        name: '   ',
        slug: 'kept-slug',
        topic: 'kept topic',
        private: 'on',
      })
      assert.equal(res.status, 422)
      assert.match(
        res.html,
        /<span id="error-name" class="field-error" role="alert">Use 1 to 60 characters\.<\/span>/,
      )
      assert.match(res.html, /id="field-name"[^>]*aria-invalid="true"/)
      assert.match(res.html, /name="slug" type="text" value="kept-slug"/)
      assert.match(res.html, /name="topic" type="text" value="kept topic"/)
      assert.match(res.html, /<input id="field-private" name="private" type="checkbox" checked>/)
      res = await admin.post('/admin/rooms', { name: 'Fine Name', slug: 'Not A Slug!' })
      assert.equal(res.status, 422)
      assert.match(res.html, /id="error-slug"[^>]*>Use up to 48 lower-case letters/)
      assert.match(res.html, /name="name" type="text" value="Fine Name"/)
      res = await admin.post('/admin/rooms', { name: 'GENERAL' })
      assert.equal(res.status, 422)
      assert.match(res.html, /id="error-slug"[^>]*>The address \/rooms\/general is taken by another room\./)
      res = await admin.post('/admin/rooms', { name: 'Long topic', topic: 't'.repeat(201) })
      assert.equal(res.status, 422)
      assert.match(res.html, /id="error-topic"[^>]*>Use at most 200 characters\./)
      assert.match(res.html, new RegExp(`value="${'t'.repeat(201)}"`))
      // Editing: the same, on the room's page, and the room stays as it was.
      const id = await createRoom(admin, { name: 'Steady', topic: 'as is' })
      const was = await roomRow(app, id)
      res = await admin.post(`/admin/rooms/${id}`, { name: '', slug: 'steady', topic: 'typed topic' })
      assert.equal(res.status, 422)
      assert.match(res.html, /id="error-name"[^>]*>Use 1 to 60 characters\./)
      assert.match(res.html, /name="topic" type="text" value="typed topic"/)
      res = await admin.post(`/admin/rooms/${id}`, { name: 'Steady', slug: 'general', topic: 'typed again' })
      assert.equal(res.status, 422)
      assert.match(res.html, /id="error-slug"[^>]*>The address \/rooms\/general is taken by another room\./)
      assert.match(res.html, /name="topic" type="text" value="typed again"/)
      assert.deepEqual(await roomRow(app, id), was)
      assert.equal(await rooms(), count + 1)
      assert.equal(await auditCount(app), n + 1, 'only the valid create was logged')
    })

    it('renames a room: room.update says what changed, the old address 301s, open pages get the new header once', async () => {
      const id = await createRoom(admin, { name: 'Launch' })
      await say(ann, 'launch', 'countdown')
      const a = await liveSocket(ann, 'launch', sockets)
      const r = await liveSocket(admin, 'launch', sockets)
      const n = await auditCount(app)
      const res = await admin.post(`/admin/rooms/${id}`, {
        name: 'Liftoff',
        slug: 'liftoff',
        topic: 'T-minus 10',
      })
      assert.equal(res.status, 303)
      assert.equal(res.location, `/admin/rooms/${id}?done=saved`)
      const row = await roomRow(app, id)
      assert.equal(row?.slug, 'liftoff')
      assert.equal(row?.name, 'Liftoff')
      assert.equal(row?.topic, 'T-minus 10')
      await expectAudit(app, n, {
        action: 'room.update',
        actor: 'root',
        targetType: 'room',
        targetId: id,
        target: /^Liftoff \(\/rooms\/liftoff\)$/,
        detail: 'name: "Launch" → "Liftoff"; slug: "launch" → "liftoff"; topic: "" → "T-minus 10"',
      })
      let old = await ann.get('/rooms/launch')
      assert.equal(old.status, 301)
      assert.equal(old.location, '/rooms/liftoff')
      old = await ann.get('/rooms/launch?before=2')
      assert.equal(old.location, '/rooms/liftoff?before=2')
      assert.equal((await ann.get('/rooms/liftoff')).status, 200)
      const headers = { cookie: ann.cookieHeader, origin: app.url }
      assert.equal(
        await upgradeStatus(app.url, 'launch', headers),
        101,
        'an open page reconnects by its old address',
      )
      for (const s of [a, r]) await s.waitFor(() => headFrames(s).length > 0, 'the new header')
      await flush(ann, 'liftoff', 'after the rename', [a, r])
      for (const s of [a, r]) {
        assert.equal(headFrames(s).length, 1, 'one header frame per socket')
        assert.match(headFrames(s)[0] ?? '', /<h1><span aria-hidden="true">#<\/span>Liftoff<\/h1>/)
        assert.match(headFrames(s)[0] ?? '', /<p class="topic">T-minus 10<\/p>/)
      }
      // A new room may take the old address: the redirect ends there.
      const reuse = await createRoom(admin, { name: 'Launch' })
      assert.equal((await roomRow(app, reuse))?.slug, 'launch')
      assert.equal((await ann.get('/rooms/launch')).status, 200)
    })

    it('archives: read-only page, posting refused (403), sockets stay open and get the archived header; unarchive undoes it', async () => {
      const id = await createRoom(admin, { name: 'Minutes' })
      await say(ann, 'minutes', 'first minute')
      const a = await liveSocket(ann, 'minutes', sockets)
      const r = await liveSocket(admin, 'minutes', sockets)
      let n = await auditCount(app)
      let res = await admin.post(`/admin/rooms/${id}/archive`, {})
      assert.equal(res.status, 303)
      assert.equal(res.location, `/admin/rooms/${id}?done=archived`)
      assert.notEqual((await roomRow(app, id))?.archived_at, null)
      await expectAudit(app, n, { action: 'room.archive', actor: 'root', targetType: 'room', targetId: id })
      for (const s of [a, r]) await s.waitFor(() => headFrames(s).length > 0, 'the archived header')
      for (const s of [a, r]) {
        const frame = headFrames(s)[0] ?? ''
        assert.match(frame, /<span class="badge">archived<\/span>/)
        assert.match(
          frame,
          /<hx-partial hx-target="#composer" hx-swap="outerHTML"><p id="composer" class="composer-note[^"]*" role="status">This room is archived/,
        )
      }
      const page = await ann.get('/rooms/minutes')
      assert.equal(page.status, 200)
      assert.match(page.html, /This room is archived: you can read its history, not write to it\./)
      assert.doesNotMatch(page.html, /<form id="composer"/)
      assert.match(page.html, /first minute/)
      const last = (await roomRow(app, id))?.last_seq
      res = await ann.post('/rooms/minutes/messages', { body: 'too late', client_id: 'archived-try-1' })
      assert.equal(res.status, 403)
      assert.match(res.html, /This room is archived/)
      assert.match(
        res.html,
        /<textarea class="unsent" readonly [^>]*>too late<\/textarea>/,
        'the text is kept',
      )
      // A page that still had its composer: the socket says why, keeps the text, and stays open.
      a.sendMessage({ body: 'late by socket', client_id: 'archived-try-2', _csrf: ann.csrf })
      const refused = (f: string) => f.startsWith('<hx-partial hx-target="#send-archived-try-2"')
      await a.waitFor((f) => f.some(refused), 'the refusal')
      const answer = a.frames.find(refused) ?? ''
      assert.match(answer, /role="alert">This room is archived: it can be read, not written to\.<\/p>/)
      assert.match(answer, /class="send failed"/, 'its page puts the text back')
      assert.equal((await roomRow(app, id))?.last_seq, last, 'nothing stored')
      assert.ok(isOpen(a) && isOpen(r), 'sockets stay open')
      assert.match((await admin.get('/admin/rooms')).html, /#Minutes<\/a>.*?<td>open, archived<\/td>/)
      n = await auditCount(app)
      res = await admin.post(`/admin/rooms/${id}/unarchive`, {})
      assert.equal(res.status, 303)
      assert.equal(res.location, `/admin/rooms/${id}?done=unarchived`)
      assert.equal((await roomRow(app, id))?.archived_at, null)
      await expectAudit(app, n, { action: 'room.unarchive', actor: 'root', targetType: 'room', targetId: id })
      for (const s of [a, r]) await s.waitFor(() => headFrames(s).length > 1, 'the reopened header')
      assert.match(headFrames(a)[1] ?? '', /This room is open again/)
      assert.doesNotMatch(headFrames(a)[1] ?? '', /badge">archived/)
      await flush(ann, 'minutes', 'writing again', [a, r])
      for (const s of [a, r]) assert.equal(headFrames(s).length, 2, 'one header frame per change per socket')
    })

    it('deletes a room after a confirm page naming it and its message count; its sockets close with 4404', async () => {
      const id = await createRoom(admin, { name: 'Scratch' })
      await say(ann, 'scratch', 'one')
      await say(admin, 'scratch', 'two')
      const a = await liveSocket(ann, 'scratch', sockets)
      const r = await liveSocket(admin, 'scratch', sockets)
      const confirm = await admin.get(`/admin/rooms/${id}/delete`)
      assert.equal(confirm.status, 200)
      assert.match(confirm.html, /<h1>Delete #Scratch\?<\/h1>/)
      assert.match(confirm.html, /This deletes the room #Scratch and its 2 messages for good\./)
      assert.match(
        confirm.html,
        new RegExp(`<form class="card confirm" action="/admin/rooms/${id}/delete" method="post">`),
      )
      assert.ok((await roomRow(app, id)) !== undefined, 'the confirm page deletes nothing')
      const n = await auditCount(app)
      const res = await admin.post(`/admin/rooms/${id}/delete`, {})
      assert.equal(res.status, 303)
      assert.equal(res.location, '/admin/rooms?done=deleted')
      assert.equal(await roomRow(app, id), undefined)
      const left = await app.store.db.selectFrom('messages').select('id').where('room_id', '=', id).execute()
      assert.equal(left.length, 0, 'its messages are gone too')
      await expectAudit(app, n, {
        action: 'room.delete',
        actor: 'root',
        targetType: 'room',
        targetId: id,
        target: /^Scratch \(\/rooms\/scratch\)$/,
        detail: '2 messages',
      })
      for (const s of [a, r]) assert.equal((await closedWithin(s)).code, 4404)
      assert.equal((await ann.get('/rooms/scratch')).status, 404)
      assert.equal((await admin.get(`/admin/rooms/${id}`)).status, 404)
      assert.match((await admin.get('/admin/rooms?done=deleted')).html, /Room deleted\./)
      // From the page's hx-post link: 204 and a whole-page redirect for htmx.
      const other = await createRoom(admin, { name: 'Scratch Two' })
      const hx = await hxPost(admin, `/admin/rooms/${other}/delete`)
      assert.equal(hx.status, 204)
      assert.equal(hx.headers.get('HX-Redirect'), '/admin/rooms?done=deleted')
      assert.equal(await roomRow(app, other), undefined)
    })
  })
}
