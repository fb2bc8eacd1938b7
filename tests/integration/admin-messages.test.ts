import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createRoom, deleteFrames, editFrames, expectAudit, liveSocket, say } from '../support/admin.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { auditCount, messageRow } from '../support/db-lookups.ts'
import { HttpUser } from '../support/http.ts'
import { flush } from '../support/settled.ts'
import { frameSeq, openSocket, type TestSocket } from '../support/socket.ts'

const HX = { 'HX-Request': 'true' }

for (const backend of backends()) {
  describe(`editing and deleting messages [${backend.name}]`, { timeout: 90_000 }, () => {
    let app: TestApp
    let admin: HttpUser
    let ann: HttpUser
    let ben: HttpUser
    const sockets: TestSocket[] = []
    const edit = (user: HttpUser, id: number, body: string, headers?: Record<string, string>) =>
      user.post(`/messages/${id}/edit`, { body }, headers)
    const remove = (user: HttpUser, id: number, headers?: Record<string, string>) =>
      user.post(`/messages/${id}/delete`, {}, headers)
    before(async () => {
      app = await startTestApp(backend)
      admin = await HttpUser.signUp(app.url, 'root')
      ann = await HttpUser.signUp(app.url, 'ann')
      ben = await HttpUser.signUp(app.url, 'ben')
    })
    after(async () => {
      for (const s of sockets) s.ws.terminate()
      await app?.close()
    })

    it('lets only the author edit: 403 for another member and for an admin, and the text stays', async () => {
      const id = await say(ann, 'general', 'ann wrote this')
      for (const user of [ben, admin]) {
        assert.equal((await user.get(`/messages/${id}/edit`)).status, 403)
        assert.equal((await user.get(`/messages/${id}/edit`, HX)).status, 403)
        const res = await edit(user, id, 'hijacked')
        assert.equal(res.status, 403)
        assert.match(res.html, /Only its author can edit a message\./)
      }
      const row = await messageRow(app, id)
      assert.equal(row.body, 'ann wrote this')
      assert.equal(row.edited_at, null)
      assert.equal(row.changed_seq, null)
    })

    it('edits: the change takes the room’s next seq, the page says (edited), htmx gets the article back', async () => {
      const id = await say(ann, 'general', 'typo hree')
      const n = await auditCount(app)
      const form = await ann.get(`/messages/${id}/edit`, HX)
      assert.equal(form.status, 200)
      assert.match(
        form.html,
        new RegExp(`^<form class="message editing" id="message-${id}" action="/messages/${id}/edit"`),
      )
      assert.match(
        form.html,
        new RegExp(`<textarea id="edit-${id}" name="body" rows="3" autofocus>typo hree</textarea>`),
      )
      const res = await edit(ann, id, 'typo here')
      assert.equal(res.status, 303)
      assert.equal(res.location, `/rooms/general#message-${id}`)
      const row = await messageRow(app, id)
      assert.equal(row.body, 'typo here')
      assert.notEqual(row.edited_at, null)
      assert.equal(
        row.changed_seq,
        (
          await app.store.db
            .selectFrom('rooms')
            .select('last_seq')
            .where('slug', '=', 'general')
            .executeTakeFirstOrThrow()
        ).last_seq,
      )
      const page = (await ben.get('/rooms/general')).html
      assert.match(
        page,
        new RegExp(
          `id="message-${id}" data-seq="${row.seq}"[\\s\\S]*?\\(edited\\)[\\s\\S]*?<p class="body">typo here</p>`,
        ),
      )
      const hx = await edit(ann, id, 'typo fixed', HX)
      assert.equal(hx.status, 200)
      assert.match(hx.html, new RegExp(`^<article class="message" id="message-${id}" data-seq="${row.seq}"`))
      assert.match(hx.html, /<p class="body">typo fixed<\/p>/)
      assert.equal(await auditCount(app), n, 'edits are not audited')
    })

    it('keeps the text and says what is wrong when an edit is empty or too long (422, inline with htmx)', async () => {
      const id = await say(ann, 'general', 'original words')
      let res = await edit(ann, id, '   ', HX)
      assert.equal(res.status, 422)
      assert.match(
        res.html,
        new RegExp(`^<form class="message editing" id="message-${id}"`),
        'the form comes back',
      )
      assert.match(
        res.html,
        new RegExp(`<p id="edit-error-${id}" class="field-error" role="alert">Write something first\\.</p>`),
      )
      const long = 'x'.repeat(4001)
      res = await edit(ann, id, long, HX)
      assert.equal(res.status, 422)
      assert.match(res.html, /Messages can be at most 4,000 characters \(this one has 4,001\)\./)
      assert.ok(res.html.includes(`>${long}</textarea>`), 'the text is kept')
      assert.equal((await messageRow(app, id)).body, 'original words')
    })

    it('edits without JavaScript: a page with the form and the text (escaped), and the same form again on a 422', async () => {
      const id = await say(ann, 'general', 'plain <i>page</i> edit')
      const page = await ann.get(`/messages/${id}/edit`)
      assert.equal(page.status, 200)
      assert.doesNotMatch(page.html, /<i>page<\/i>/, 'the text is never markup')
      assert.match(page.html, /<h1>Edit message in #general<\/h1>/)
      assert.match(
        page.html,
        new RegExp(
          `<form class="message editing" id="message-${id}" action="/messages/${id}/edit" method="post"`,
        ),
      )
      assert.match(
        page.html,
        new RegExp(`<textarea id="edit-${id}" [^>]*>plain &lt;i&gt;page&lt;/i&gt; edit</textarea>`),
      )
      const res = await edit(ann, id, '  ')
      assert.equal(res.status, 422)
      assert.match(res.html, new RegExp(`<form class="message editing" id="message-${id}"`))
      assert.match(
        res.html,
        new RegExp(`<p id="edit-error-${id}" class="field-error" role="alert">Write something first\\.</p>`),
      )
    })

    it('lets the author or an admin delete, nobody else; message.delete is logged when an admin deletes someone else’s', async () => {
      const own = await say(ann, 'general', 'ann deletes this')
      const others = await say(ben, 'general', 'root deletes this')
      const adminsOwn = await say(admin, 'general', 'root deletes his own')
      assert.equal((await ben.get(`/messages/${own}/delete`)).status, 403)
      const refused = await remove(ben, own)
      assert.equal(refused.status, 403)
      assert.match(refused.html, /Only its author or an admin can delete a message\./)
      assert.equal((await messageRow(app, own)).deleted_at, null)
      const confirm = await ann.get(`/messages/${own}/delete`)
      assert.equal(confirm.status, 200)
      assert.match(confirm.html, /ann wrote in #general:/)
      assert.match(confirm.html, /<blockquote>ann deletes this<\/blockquote>/)
      let n = await auditCount(app)
      let res = await remove(ann, own)
      assert.equal(res.status, 303)
      assert.equal(res.location, '/rooms/general')
      const row = await messageRow(app, own)
      assert.notEqual(row.deleted_at, null)
      assert.equal(row.body, '', 'the text is gone')
      assert.equal(await auditCount(app), n, 'an author deleting their own is not audited')
      assert.doesNotMatch((await ben.get('/rooms/general')).html, new RegExp(`id="message-${own}"`))
      res = await remove(admin, others, HX)
      assert.equal(res.status, 204, 'with htmx the socket removes it')
      assert.notEqual((await messageRow(app, others)).deleted_at, null)
      await expectAudit(app, n, {
        action: 'message.delete',
        actor: 'root',
        targetType: 'message',
        targetId: others,
        target: /^#general, by ben$/,
        detail: 'root deletes this',
      })
      n = await auditCount(app)
      assert.equal((await remove(admin, adminsOwn)).status, 303)
      assert.equal(await auditCount(app), n, 'an admin deleting their own is not audited')
      // Gone is gone.
      for (const path of [`/messages/${own}`, `/messages/${own}/edit`, `/messages/${own}/delete`])
        assert.equal((await ann.get(path, HX)).status, 404, path)
      assert.equal((await remove(ann, own)).status, 404)
      assert.equal((await edit(ann, own, 'back from the dead')).status, 404)
    })

    it('in an archived room: nobody edits, an author cannot delete, an admin can', async () => {
      const room = await createRoom(admin, { name: 'Frozen' })
      const id = await say(ann, 'frozen', 'frozen words')
      const second = await say(ann, 'frozen', 'more frozen words')
      assert.equal((await admin.post(`/admin/rooms/${room}/archive`, {})).status, 303)
      assert.equal((await edit(ann, id, 'thawed')).status, 403)
      assert.equal((await remove(ann, id)).status, 403)
      assert.equal((await messageRow(app, id)).body, 'frozen words')
      assert.equal((await messageRow(app, id)).deleted_at, null)
      assert.equal((await remove(admin, second)).status, 303)
      assert.notEqual((await messageRow(app, second)).deleted_at, null)
    })

    it('pushes each edit and deletion to every socket of the room exactly once, with the room’s next seq', async () => {
      await createRoom(admin, { name: 'Live Edits' })
      await createRoom(admin, { name: 'Elsewhere' })
      await say(ben, 'elsewhere', 'elsewhere starts')
      const id = await say(ann, 'live-edits', 'first draft')
      const { seq } = await messageRow(app, id)
      const room = [
        await liveSocket(ann, 'live-edits', sockets),
        await liveSocket(ann, 'live-edits', sockets),
        await liveSocket(ben, 'live-edits', sockets),
        await liveSocket(admin, 'live-edits', sockets),
      ]
      const other = await liveSocket(ben, 'elsewhere', sockets)
      assert.equal((await edit(ann, id, 'second draft')).status, 303)
      for (const s of room) await s.waitFor(() => editFrames(s, id).length > 0, 'the edit')
      const article = (await ann.get(`/messages/${id}`, HX)).html
      assert.equal((await remove(ann, id)).status, 303)
      for (const s of room) await s.waitFor(() => deleteFrames(s, id).length > 0, 'the deletion')
      await flush(ben, 'live-edits', 'after the changes', room)
      await flush(ben, 'elsewhere', 'elsewhere goes on', [other])
      for (const s of room) {
        assert.equal(editFrames(s, id).length, 1, 'one edit frame per socket')
        assert.equal(deleteFrames(s, id).length, 1, 'one delete frame per socket')
        const editFrame = editFrames(s, id)[0] ?? ''
        assert.equal(frameSeq(editFrame), seq + 1, 'the edit takes the next seq')
        assert.equal(frameSeq(deleteFrames(s, id)[0] ?? ''), seq + 2, 'the deletion the one after')
        assert.ok(editFrame.includes(article.trim()), 'the same article as everywhere')
        assert.match(editFrame, /\(edited\)[\s\S]*<p class="body">second draft<\/p>/)
        const order = s.frames.map(frameSeq).filter((n) => n !== undefined && n > seq)
        assert.deepEqual(order, [seq + 1, seq + 2, seq + 3], 'in seq order, nothing else')
      }
      assert.equal(
        other.frames.filter((f) => f.includes(`message-${id}`)).length,
        0,
        'no leak to another room',
      )
      assert.equal((await messageRow(app, id)).changed_seq, seq + 2)
    })

    it('replays edits and deletions to a socket that resumes from an older seq, then goes live without duplicates', async () => {
      await createRoom(admin, { name: 'Replay' })
      const m1 = await say(ann, 'replay', 'one as posted')
      const m2 = await say(ann, 'replay', 'two, soon deleted')
      const m3 = await say(ann, 'replay', 'three as posted')
      const s3 = (await messageRow(app, m3)).seq
      assert.equal((await edit(ann, m1, 'one as edited')).status, 303)
      assert.equal((await remove(ann, m2)).status, 303)
      const resume = async (lastSeq: number) => {
        const s = await openSocket(ben, 'replay', { lastSeq })
        sockets.push(s)
        await s.waitFor((f) => f.length > 0, `replay from ${lastSeq}`)
        return s
      }
      // Missed the edit and the deletion: both, in one frame, in order.
      const a = await resume(s3)
      const replay = a.frames[0] ?? ''
      assert.equal(frameSeq(replay), s3 + 2)
      assert.equal(
        replay,
        `<!--seq ${s3 + 2}--><hx-partial hx-target="#message-${m1}" hx-swap="outerHTML">${(await ben.get(`/messages/${m1}`, HX)).html}</hx-partial><hx-partial hx-target="#message-${m2}" hx-swap="delete"></hx-partial>`,
      )
      // Missed only the deletion.
      const b = await resume(s3 + 1)
      assert.equal(
        b.frames[0],
        `<!--seq ${s3 + 2}--><hx-partial hx-target="#message-${m2}" hx-swap="delete"></hx-partial>`,
      )
      // Missed everything: the messages as they are now, the deleted one nowhere.
      const c = await resume(0)
      assert.match(c.frames[0] ?? '', /one as edited/)
      assert.match(c.frames[0] ?? '', /three as posted/)
      assert.doesNotMatch(c.frames[0] ?? '', /one as posted|soon deleted/)
      assert.equal(frameSeq(c.frames[0] ?? ''), s3 + 2)
      // Then live: the next edit reaches each resumed socket once.
      assert.equal((await edit(ann, m3, 'three as edited')).status, 303)
      await flush(ann, 'replay', 'live again', [a, b, c])
      for (const s of [a, b, c]) {
        assert.equal(editFrames(s, m3).length, 1)
        assert.equal(frameSeq(editFrames(s, m3)[0] ?? ''), s3 + 3)
      }
      assert.equal(a.frames.length, 3, 'replay, edit, new message: nothing else')
    })
  })
}
