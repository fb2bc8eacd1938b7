import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { closedWithin, createRoom, expectAudit, hxPost, liveSocket, say, signIn } from '../support/admin.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { auditCount, sessionsOf, userId, userRow } from '../support/db-lookups.ts'
import { HttpUser, PASSWORD } from '../support/http.ts'
import type { TestSocket } from '../support/socket.ts'

for (const backend of backends()) {
  describe(`administration: people [${backend.name}]`, { timeout: 90_000 }, () => {
    let app: TestApp
    let admin: HttpUser
    const sockets: TestSocket[] = []
    before(async () => {
      app = await startTestApp(backend)
      admin = await HttpUser.signUp(app.url, 'root')
      await say(admin, 'general', 'welcome') // sockets in a room with messages get a replay frame once live
    })
    after(async () => {
      for (const s of sockets) s.ws.terminate()
      await app?.close()
    })

    it('lists people with role and status; nobody is offered to deactivate themselves', async () => {
      await HttpUser.signUp(app.url, 'lia')
      const root = await userId(app, 'root')
      const lia = await userId(app, 'lia')
      const html = (await admin.get('/admin/people')).html
      assert.match(
        html,
        new RegExp(`<tr id="person-${root}"><th scope="row">root</th><td>admin</td><td>active</td>`),
      )
      assert.match(
        html,
        new RegExp(`<tr id="person-${lia}"><th scope="row">lia</th><td>member</td><td>active</td>`),
      )
      assert.match(html, new RegExp(`href="/admin/people/${lia}/deactivate"`))
      assert.doesNotMatch(html, new RegExp(`href="/admin/people/${root}/deactivate"`))
    })

    it('promotes and demotes: the role in the database, user.promote/user.demote, and what the person may open', async () => {
      const ann = await HttpUser.signUp(app.url, 'ann')
      const id = await userId(app, 'ann')
      let n = await auditCount(app)
      let res = await admin.post(`/admin/people/${id}/promote`, {})
      assert.equal(res.status, 303)
      assert.equal(res.location, '/admin/people?done=promoted')
      assert.equal((await userRow(app, id)).role, 'admin')
      await expectAudit(app, n, {
        action: 'user.promote',
        actor: 'root',
        targetType: 'user',
        targetId: id,
        target: /^ann$/,
      })
      assert.match((await admin.get('/admin/people?done=promoted')).html, /They are an admin now\./)
      assert.equal((await ann.get('/admin/rooms')).status, 200, 'the new admin gets in at once')
      n = await auditCount(app)
      assert.equal((await admin.post(`/admin/people/${id}/promote`, {})).status, 303)
      assert.equal(await auditCount(app), n, 'promoting an admin changes nothing and logs nothing')
      res = await admin.post(`/admin/people/${id}/demote`, {})
      assert.equal(res.status, 303)
      assert.equal(res.location, '/admin/people?done=demoted')
      assert.equal((await userRow(app, id)).role, 'member')
      await expectAudit(app, n, { action: 'user.demote', actor: 'root', targetType: 'user', targetId: id })
      assert.equal((await ann.get('/admin/rooms')).status, 403, 'the demoted admin is out at once')
    })

    it('deactivates after a confirm page: sessions gone, every socket closed (4401), sign-in refused; reactivation undoes it', async () => {
      const eve = await HttpUser.signUp(app.url, 'eve')
      const id = await userId(app, 'eve')
      await createRoom(admin, { name: 'Eve Room' })
      await say(eve, 'eve-room', 'eve was here')
      const s1 = await liveSocket(eve, 'general', sockets)
      const s2 = await liveSocket(eve, 'eve-room', sockets)
      const bystander = await liveSocket(admin, 'eve-room', sockets)
      const confirm = await admin.get(`/admin/people/${id}/deactivate`)
      assert.equal(confirm.status, 200)
      assert.match(confirm.html, /<h1>Deactivate eve\?<\/h1>/)
      assert.match(confirm.html, new RegExp(`action="/admin/people/${id}/deactivate" method="post"`))
      assert.equal((await userRow(app, id)).deactivated_at, null, 'the confirm page changes nothing')
      const n = await auditCount(app)
      const res = await admin.post(`/admin/people/${id}/deactivate`, {})
      assert.equal(res.status, 303)
      assert.equal(res.location, '/admin/people?done=deactivated')
      assert.notEqual((await userRow(app, id)).deactivated_at, null)
      assert.equal(await sessionsOf(app, id), 0)
      await expectAudit(app, n, {
        action: 'user.deactivate',
        actor: 'root',
        targetType: 'user',
        targetId: id,
        target: /^eve$/,
      })
      for (const s of [s1, s2]) assert.equal((await closedWithin(s)).code, 4401)
      const after = await eve.get('/rooms/general')
      assert.equal(after.status, 302)
      assert.equal(after.location, '/login?next=%2Frooms%2Fgeneral')
      const denied = await signIn(app.url, 'eve', PASSWORD)
      assert.equal(denied.res.status, 422)
      assert.match(denied.res.html, /This account is deactivated\. Ask an admin to reactivate it\./)
      assert.equal(await sessionsOf(app, id), 0)
      await say(admin, 'eve-room', 'the room goes on')
      await bystander.waitFor(
        () => bystander.frames.some((f) => f.includes('the room goes on')),
        'bystander live',
      )
      assert.match((await admin.get('/rooms/eve-room')).html, /eve was here/, 'their messages stay')
      assert.match(
        (await admin.get('/admin/people')).html,
        new RegExp(`<td>deactivated</td>.*?action="/admin/people/${id}/reactivate"`, 's'),
      )
      const n2 = await auditCount(app)
      const back = await admin.post(`/admin/people/${id}/reactivate`, {})
      assert.equal(back.status, 303)
      assert.equal(back.location, '/admin/people?done=reactivated')
      assert.equal((await userRow(app, id)).deactivated_at, null)
      await expectAudit(app, n2, {
        action: 'user.reactivate',
        actor: 'root',
        targetType: 'user',
        targetId: id,
      })
      assert.equal((await signIn(app.url, 'eve', PASSWORD)).res.status, 303)
      // From the people page's hx-post link: 204 and a whole-page redirect.
      await HttpUser.signUp(app.url, 'fay')
      const fay = await userId(app, 'fay')
      const hx = await hxPost(admin, `/admin/people/${fay}/deactivate`)
      assert.equal(hx.status, 204)
      assert.equal(hx.headers.get('HX-Redirect'), '/admin/people?done=deactivated')
      assert.notEqual((await userRow(app, fay)).deactivated_at, null)
    })

    it('issues a one-time reset link: only its hash is stored; using it sets the password and ends every session and socket', async () => {
      const gus = await HttpUser.signUp(app.url, 'gus')
      const id = await userId(app, 'gus')
      const socket = await liveSocket(gus, 'general', sockets)
      const n = await auditCount(app)
      // As a browser posts the form: with an Origin header (see the next test for a request without one).
      const page = await admin.post(`/admin/people/${id}/reset-link`, {}, { origin: app.url })
      assert.equal(page.status, 200)
      assert.match(page.html, /<h1>Reset link for gus<\/h1>/)
      const [, link, token] = /value="(http:\/\/[^"]+\/reset\/([A-Za-z0-9_-]+))"/.exec(page.html) ?? []
      assert.ok(link && token, 'the page shows the link')
      assert.equal(new URL(link).origin, new URL(app.url).origin)
      const rows = await app.store.db
        .selectFrom('password_resets')
        .selectAll()
        .where('user_id', '=', id)
        .execute()
      assert.equal(rows.length, 1)
      assert.notEqual(rows[0]?.token_hash, token, 'only a hash is stored')
      assert.ok(!rows[0]?.token_hash.includes(token))
      await expectAudit(app, n, {
        action: 'user.reset-link',
        actor: 'root',
        targetType: 'user',
        targetId: id,
      })
      const path = new URL(link).pathname
      const visitor = new HttpUser(app.url)
      const form = await visitor.get(path)
      assert.equal(form.status, 200)
      assert.match(form.html, /For <strong>gus<\/strong>/)
      const short = await visitor.post(path, { password: 'short' })
      assert.equal(short.status, 422)
      assert.match(short.html, /id="error-password"[^>]*>Use at least 8 characters\./)
      assert.equal(await sessionsOf(app, id), 1, 'a refused password changes nothing')
      assert.equal((await visitor.get(path)).status, 200, 'and the link still works')
      const done = await visitor.post(path, { password: 'a brand new password' })
      assert.equal(done.status, 303)
      assert.equal(done.location, '/login?reset=1&username=gus')
      assert.equal(await sessionsOf(app, id), 0)
      assert.equal((await closedWithin(socket)).code, 4401)
      assert.equal((await gus.get('/')).location, '/login')
      assert.equal((await signIn(app.url, 'gus', PASSWORD)).res.status, 422, 'the old password is gone')
      assert.equal((await signIn(app.url, 'gus', 'a brand new password')).res.status, 303)
      const used = await app.store.db
        .selectFrom('password_resets')
        .select('used_at')
        .where('user_id', '=', id)
        .execute()
      assert.notEqual(used[0]?.used_at, null)
      // Once only.
      assert.equal((await visitor.get(path)).status, 404)
      assert.equal((await visitor.post(path, { password: 'yet another password' })).status, 404)
      assert.equal((await signIn(app.url, 'gus', 'yet another password')).res.status, 422)
    })

    it('names this server in the reset link when the request carries no Origin header', async () => {
      await HttpUser.signUp(app.url, 'ida')
      const page = await admin.post(`/admin/people/${await userId(app, 'ida')}/reset-link`, {})
      assert.equal(page.status, 200)
      const link = /<input id="reset-link" class="copy" readonly value="([^"]*)">/.exec(page.html)?.[1]
      assert.match(link ?? '', new RegExp(`^${app.url}/reset/[A-Za-z0-9_-]{43}$`), `the link shown: ${link}`)
    })

    it('voids the previous link when a new one is issued, and issues none for a deactivated person (409)', async () => {
      await HttpUser.signUp(app.url, 'hal')
      const id = await userId(app, 'hal')
      const linkOf = async () => {
        const html = (await admin.post(`/admin/people/${id}/reset-link`, {}, { origin: app.url })).html
        return new URL(/value="(http:\/\/[^"]+\/reset\/[^"]+)"/.exec(html)?.[1] ?? '').pathname
      }
      const first = await linkOf()
      const second = await linkOf()
      const visitor = new HttpUser(app.url)
      assert.equal((await visitor.get(first)).status, 404)
      assert.equal((await visitor.get(second)).status, 200)
      assert.equal((await admin.post(`/admin/people/${id}/deactivate`, {})).status, 303)
      assert.equal((await visitor.get(second)).status, 404, 'a deactivated person’s link does not work')
      const n = await auditCount(app)
      const res = await admin.post(`/admin/people/${id}/reset-link`, {})
      assert.equal(res.status, 409)
      assert.match(res.html, /hal is deactivated: reactivate them first\./)
      assert.equal(await auditCount(app), n)
    })

    /** The audit rows a page shows, as [who, action, target, detail]. */
    const shownAudit = (html: string) =>
      [
        ...html.matchAll(
          /<tr><td><time[^>]*>[^<]*<\/time><\/td><td>([^<]*)<\/td><td><code>([^<]*)<\/code><\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g,
        ),
      ].map((m) => [m[1], m[2], m[3], m[4]])
    const storedAudit = async () =>
      (
        await app.store.db
          .selectFrom('audit_log')
          .select(['actor', 'action', 'target_type', 'target', 'detail'])
          .orderBy('id', 'desc')
          .execute()
      ).map((r) => [r.actor, r.action, `${r.target_type}: ${r.target}`, r.detail])

    it('shows the audit log newest first: who, what, target and detail', async () => {
      await HttpUser.signUp(app.url, 'jon')
      assert.equal((await admin.post(`/admin/people/${await userId(app, 'jon')}/promote`, {})).status, 303)
      const shown = shownAudit((await admin.get('/admin/audit')).html)
      const stored = await storedAudit()
      assert.ok(stored.length > 10 && stored.length <= 50, `one page: ${stored.length}`)
      assert.deepEqual(shown, stored)
      assert.deepEqual(shown[0], ['root', 'user.promote', 'user: jon', ''], 'the newest first')
    })

    it('pages the audit log 50 entries at a time, oldest last', async () => {
      const root = await userId(app, 'root')
      for (let i = 1; i <= 60; i++)
        await app.store.db
          .insertInto('audit_log')
          .values({
            actor_id: root,
            actor: 'root',
            action: 'user.promote',
            target_type: 'user',
            target_id: root,
            target: 'root',
            detail: `bulk ${i}`,
          })
          .execute()
      const stored = await storedAudit()
      const first = (await admin.get('/admin/audit')).html
      const older = /<a href="(\/admin\/audit\?before=\d+)">Older entries<\/a>/.exec(first)?.[1]
      assert.ok(older, 'a link to older entries')
      const second = (await admin.get(older)).html
      assert.deepEqual([...shownAudit(first), ...shownAudit(second)], stored.slice(0, 100))
      assert.equal(shownAudit(first).length, 50)
      assert.deepEqual(shownAudit(first)[0], ['root', 'user.promote', 'user: root', 'bulk 60'])
      if (stored.length <= 100) assert.doesNotMatch(second, /Older entries/)
    })
  })
}
