import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { insertBatch } from '../../src/store/message-batch.repo.ts'
import { insertOne } from '../../src/store/message-insert.repo.ts'
import { canRead, canWrite, mayRead, mayWrite } from '../../src/store/room-access.ts'
import { findRoomFor, listRoomsFor, readersOf } from '../../src/store/rooms.repo.ts'
import { namesLike, searchMessages } from '../../src/store/search.repo.ts'
import { PEOPLE, ROOMS, ROWS, type Row, type Seeded, seedAccessTable } from '../support/access-table.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'

/** The rule of store/room-access.ts, pinned by the table in tests/support/access-table.ts. */

for (const backend of backends()) {
  describe(`room access, by table [${backend.name}]`, { timeout: 60_000 }, () => {
    let app: TestApp
    const db = () => app.store.db
    let seeded: Seeded
    const id = (name: string) => seeded.person.get(name) as number
    const roomId = (slug: string) => seeded.room.get(slug)?.id as number

    before(async () => {
      app = await startTestApp(backend)
      seeded = await seedAccessTable(db())
    })
    after(() => app?.close())

    it('the SQL expressions and the in-memory check give the answer of the table, row by row', async () => {
      const everyPair = await db()
        .selectFrom('users')
        .innerJoin('rooms', (join) => join.onTrue())
        .select((eb) => [
          'users.username',
          'rooms.slug',
          canRead(eb.ref('users.id')).as('read'),
          canWrite(eb.ref('users.id')).as('write'),
        ])
        .execute()
      for (const row of ROWS) {
        const what = `${row.person} in ${row.room}`
        const byId = await db()
          .selectFrom('rooms')
          .select([canRead(id(row.person)).as('read'), canWrite(id(row.person)).as('write')])
          .where('rooms.id', '=', roomId(row.room))
          .executeTakeFirstOrThrow()
        const byRef = everyPair.find((p) => p.username === row.person && p.slug === row.room)
        const facts = {
          role: row.kind === 'admin' ? 'admin' : 'member',
          active: row.active,
          member: row.kind === 'member',
        } as const
        const r = seeded.room.get(row.room) as { private: boolean; archived: boolean }
        assert.deepEqual(
          [Boolean(byId.read), Boolean(byId.write)],
          [row.read, row.write],
          `SQL, by id: ${what}`,
        )
        assert.deepEqual(
          [Boolean(byRef?.read), Boolean(byRef?.write)],
          [row.read, row.write],
          `SQL, by column: ${what}`,
        )
        assert.deepEqual([mayRead(r, facts), mayWrite(r, facts)], [row.read, row.write], `in memory: ${what}`)
      }
    })

    it('every query that decides access gives the answer of the table', async () => {
      const readable = (p: string) =>
        ROWS.filter((r) => r.person === p && r.read)
          .map((r) => r.room)
          .sort()
      const mine = (slugs: string[]) => slugs.filter((s) => ROOMS.includes(s)).sort()
      for (const p of PEOPLE) {
        assert.deepEqual(
          mine((await listRoomsFor(db(), id(p))).map((r) => r.slug)),
          readable(p),
          `rooms of ${p}`,
        )
        const hits = await searchMessages(db(), id(p), 'needle', 50)
        assert.deepEqual(mine(hits.map((h) => h.roomSlug)), readable(p), `search by ${p}`)
        const found = []
        for (const slug of ROOMS) if ((await findRoomFor(db(), { slug }, id(p)))?.readable) found.push(slug)
        assert.deepEqual(found.sort(), readable(p), `rooms ${p} finds by address`)
      }
      for (const slug of ROOMS) {
        const readers = ROWS.filter((r) => r.room === slug && r.read)
          .map((r) => r.person)
          .sort()
        const ids = await readersOf(db(), roomId(slug), PEOPLE.map(id))
        assert.deepEqual(PEOPLE.filter((p) => ids.has(id(p))).sort(), readers, `readers of ${slug}`)
        const named = await namesLike(db(), roomId(slug), '', 100)
        assert.deepEqual(named.filter((n) => PEOPLE.includes(n)).sort(), readers, `@suggestions in ${slug}`)
      }
    })

    it('a message is stored where the table says write, refused as archived where it says read only', async () => {
      const input = (r: Row) => ({
        roomId: roomId(r.room),
        authorId: id(r.person),
        author: r.person,
        body: 'hello',
        clientId: randomUUID(),
      })
      const batch = await insertBatch(db(), ROWS.map(input))
      for (const [i, row] of ROWS.entries()) {
        const what = `${row.person} in ${row.room}`
        assert.equal(batch[i] !== undefined, row.write, `batch: ${what}`)
        const one = await insertOne(db(), input(row))
        assert.equal(one.kind, row.write ? 'stored' : row.read ? 'archived' : 'no-room', `one: ${what}`)
      }
      // Batch and single inserts took their seqs from one counter per room: 1, 2, 3… with no gap.
      for (const slug of ROOMS) {
        const rows = await db()
          .selectFrom('messages')
          .select('seq')
          .where('room_id', '=', roomId(slug))
          .execute()
        const { last_seq } = await db()
          .selectFrom('rooms')
          .select('last_seq')
          .where('id', '=', roomId(slug))
          .executeTakeFirstOrThrow()
        const seqs = rows.map((r) => r.seq).sort((a, b) => a - b)
        assert.deepEqual(
          seqs,
          Array.from({ length: last_seq }, (_, i) => i + 1),
          `seqs of ${slug}`,
        )
      }
    })
  })
}
