import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { signIn } from '../support/admin.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { activeAdmins, auditCount, auditRows, userId, userRow } from '../support/db-lookups.ts'
import { HttpUser, PASSWORD } from '../support/http.ts'

const LAST_ADMIN = /Parley needs at least one active admin: make someone else an admin first\./

for (const backend of backends()) {
  describe(`administration: never zero active admins [${backend.name}]`, { timeout: 60_000 }, () => {
    // Each test juggles roles from a fresh install: root, its first user, the only admin.
    let app: TestApp
    let admin: HttpUser
    beforeEach(async () => {
      app = await startTestApp(backend)
      admin = await HttpUser.signUp(app.url, 'root')
    })
    afterEach(() => app?.close())

    it('never leaves zero active admins: the last one cannot demote or deactivate themselves (409)', async () => {
      const root = await userId(app, 'root')
      assert.equal(await activeAdmins(app), 1)
      const n = await auditCount(app)
      let res = await admin.post(`/admin/people/${root}/demote`, {})
      assert.equal(res.status, 409)
      assert.match(res.html, LAST_ADMIN)
      res = await admin.post(`/admin/people/${root}/deactivate`, {})
      assert.equal(res.status, 409)
      assert.match(res.html, /You cannot deactivate yourself\./)
      assert.equal((await userRow(app, root)).role, 'admin')
      assert.equal((await userRow(app, root)).deactivated_at, null)
      assert.equal(await auditCount(app), n, 'refused changes are not logged')
      // A deactivated admin does not count.
      const cat = await HttpUser.signUp(app.url, 'cat')
      const catId = await userId(app, 'cat')
      assert.equal((await admin.post(`/admin/people/${catId}/promote`, {})).status, 303)
      assert.equal((await admin.post(`/admin/people/${catId}/deactivate`, {})).status, 303)
      assert.equal((await userRow(app, catId)).role, 'admin')
      res = await admin.post(`/admin/people/${root}/demote`, {})
      assert.equal(res.status, 409)
      assert.match(res.html, LAST_ADMIN)
      // With a second active admin, root may step down (and lands on the room list); cat is then the last.
      assert.equal((await admin.post(`/admin/people/${catId}/reactivate`, {})).status, 303)
      const { user: cat2 } = await signIn(app.url, 'cat', PASSWORD)
      res = await admin.post(`/admin/people/${root}/demote`, {})
      assert.equal(res.status, 303)
      assert.equal(res.location, '/')
      assert.equal((await userRow(app, root)).role, 'member')
      assert.equal((await admin.get('/admin/rooms')).status, 403)
      res = await cat2.post(`/admin/people/${catId}/demote`, {})
      assert.equal(res.status, 409)
      assert.match(res.html, LAST_ADMIN)
      res = await cat2.post(`/admin/people/${catId}/deactivate`, {})
      assert.equal(res.status, 409)
      assert.equal(await activeAdmins(app), 1)
      assert.equal((await cat.get('/')).location, '/login', 'cat’s first session ended with the deactivation')
    })

    it('lets only one of two admins demoting each other at once succeed', async () => {
      await HttpUser.signUp(app.url, 'dan')
      const dan = await userId(app, 'dan')
      const root = await userId(app, 'root')
      assert.equal((await admin.post(`/admin/people/${dan}/promote`, {})).status, 303)
      const { user: danUser } = await signIn(app.url, 'dan', PASSWORD)
      assert.equal(await activeAdmins(app), 2)
      const demotions = (await auditRows(app, 'user.demote')).length
      const [a, b] = await Promise.all([
        admin.post(`/admin/people/${dan}/demote`, {}),
        danUser.post(`/admin/people/${root}/demote`, {}),
      ])
      const statuses = [a.status, b.status].sort()
      assert.equal(statuses.filter((s) => s === 303).length, 1, `exactly one wins: ${statuses}`)
      assert.ok([403, 409].includes(statuses[1] as number), `the other is refused: ${statuses}`)
      assert.equal(await activeAdmins(app), 1, 'never zero')
      assert.equal((await auditRows(app, 'user.demote')).length, demotions + 1, 'one demotion, one audit row')
      const [winner, loser] = a.status === 303 ? [root, dan] : [dan, root]
      assert.equal((await userRow(app, winner)).role, 'admin')
      assert.equal((await userRow(app, loser)).role, 'member')
    })
  })
}
