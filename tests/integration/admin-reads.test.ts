import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  auditPage,
  peopleOverview,
  personById,
  roomMembers,
  roomOverview,
  roomsOverview,
} from '../../src/chat/admin-reads.ts'
import { Forbidden } from '../../src/chat/errors.ts'
import type { User } from '../../src/chat/types.ts'
import { addMember, createRoom } from '../support/admin.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { HttpUser } from '../support/http.ts'

/** The user record the session would hand a route. */
async function userNamed(app: TestApp, username: string): Promise<User> {
  return app.store.db
    .selectFrom('users')
    .select(['id', 'username', 'role'])
    .where('username', '=', username)
    .executeTakeFirstOrThrow()
}

// The admin reads check the role themselves: called past the /admin guard (as a route that forgot it would),
// a member is refused by the use case, not only by the middleware.
for (const backend of backends()) {
  describe(`admin reads refuse non-admins on their own [${backend.name}]`, { timeout: 60_000 }, () => {
    let app: TestApp
    let admin: User
    let member: User
    let room: number
    let reads: Array<[name: string, read: (viewer: User) => Promise<unknown>]>
    before(async () => {
      app = await startTestApp(backend)
      const root = await HttpUser.signUp(app.url, 'root')
      await HttpUser.signUp(app.url, 'mia')
      room = await createRoom(root, { name: 'Vault', private: true })
      await addMember(root, room, 'mia')
      admin = await userNamed(app, 'root')
      member = await userNamed(app, 'mia')
      const deps = { db: app.store.db }
      reads = [
        ['roomsOverview', (v) => roomsOverview(deps, v)],
        ['roomOverview', (v) => roomOverview(deps, v, String(room))],
        ['roomMembers', (v) => roomMembers(deps, v, room)],
        ['peopleOverview', (v) => peopleOverview(deps, v)],
        ['personById', (v) => personById(deps, v, String(admin.id))],
        ['auditPage', (v) => auditPage(deps, v, undefined)],
      ]
    })
    after(() => app?.close())

    it('gives an admin what the pages show', async () => {
      assert.deepEqual(
        (await roomsOverview({ db: app.store.db }, admin)).map((r) => [r.name, r.members]),
        [
          ['Vault', 1],
          ['general', 0],
        ],
      )
      assert.deepEqual(
        (await roomMembers({ db: app.store.db }, admin, room)).map((u) => u.username),
        ['mia'],
      )
      assert.equal((await personById({ db: app.store.db }, admin, String(member.id)))?.username, 'mia')
      const { lines } = await auditPage({ db: app.store.db }, admin, undefined)
      assert.deepEqual(
        lines.map((l) => l.action),
        ['member.add', 'room.create'],
      )
      for (const [name, read] of reads) await assert.doesNotReject(read(admin), name)
    })

    it('refuses a member with Forbidden, whatever they ask for', async () => {
      for (const [name, read] of reads)
        await assert.rejects(read(member), (err) => err instanceof Forbidden, `${name} as a member`)
    })
  })
}
