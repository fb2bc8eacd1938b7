import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { closedWithin, signIn } from '../support/admin.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends, NEEDS_SERVICES, servicesBackend } from '../support/backends.ts'
import { HttpUser } from '../support/http.ts'
import { type Closed, openSocket, type TestSocket } from '../support/socket.ts'

const services = servicesBackend()

/**
 * A socket's upgrade reads its session, then its room, then joins: a sign-out handled in between never saw
 * the socket. The test holds the upgrade between the two reads (a lock on the rooms table, which only real
 * Postgres can hold for one statement and not the others) and signs out meanwhile.
 */
describe('a sign-out while the socket upgrade is under way [postgres+redis]', {
  timeout: 60_000,
  skip: services ? false : NEEDS_SERVICES,
}, () => {
  let app: TestApp
  let direct: pg.Client
  before(async () => {
    const backend = services as NonNullable<typeof services>
    app = await startTestApp(backend)
    direct = new pg.Client({ connectionString: backend.databaseUrl })
    await direct.connect()
  })
  after(async () => {
    await direct?.end()
    await app?.close()
  })

  it('closes the socket with 4401 as soon as it joins', async () => {
    const schema = app.env.DATABASE_SCHEMA as string
    const ann = await HttpUser.signUp(app.url, 'ann')
    await direct.query('BEGIN')
    await direct.query(`LOCK TABLE ${schema}.rooms IN ACCESS EXCLUSIVE MODE`)
    const opening = openSocket(ann, 'general')
    opening.catch(() => undefined)
    // The upgrade has read the session and waits on the room.
    for (let tries = 0; ; tries++) {
      const { rows } = await direct.query(
        `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
          WHERE NOT l.granted AND c.relname = 'rooms'`,
      )
      if (rows[0].n > 0) break
      assert.ok(tries < 100, 'the upgrade reached the room read')
      await new Promise((r) => setTimeout(r, 50))
    }
    const out = await ann.post('/logout', {})
    assert.equal(out.status, 303, 'signed out')
    await direct.query('COMMIT')
    const socket: TestSocket = await opening
    const timeout = new Promise<Closed>((resolve) =>
      setTimeout(() => resolve({ code: 0, reason: 'open' }), 5000),
    )
    const closed = await Promise.race([socket.closed, timeout])
    assert.equal(closed.code, 4401, `closed with 4401 (got ${closed.code} ${closed.reason})`)
  })
})

for (const backend of backends()) {
  describe(`a sign-in right after the person's sessions were ended [${backend.name}]`, {
    timeout: 60_000,
  }, () => {
    let app: TestApp
    before(async () => {
      app = await startTestApp(backend)
    })
    after(() => app?.close())

    it('keeps the new socket open: only a notice after its upgrade checked the session closes it', async () => {
      const root = await HttpUser.signUp(app.url, 'root')
      await HttpUser.signUp(app.url, 'gus')
      const row = await app.store.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'gus')
        .executeTakeFirstOrThrow()
      const page = await root.post(`/admin/people/${row.id}/reset-link`, {}, { origin: app.url })
      const path = /value="http:\/\/[^"]+(\/reset\/[A-Za-z0-9_-]+)"/.exec(page.html)?.[1]
      assert.ok(path, 'a reset link')
      const visitor = new HttpUser(app.url)
      await visitor.get(path)
      // The reset ends every session of gus (a notice on every node); gus signs in again at once.
      assert.equal((await visitor.post(path, { password: 'a brand new password' })).status, 303)
      const { user: gus, res } = await signIn(app.url, 'gus', 'a brand new password')
      assert.equal(res.status, 303)
      const socket = await openSocket(gus, 'general')
      await assert.rejects(closedWithin(socket, 1500), /still open/, 'the new socket stays open')
      socket.ws.close()
    })
  })
}
