import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { markRead } from '../../src/store/reads.repo.ts'
import { say } from '../support/admin.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { readMark, roomId } from '../support/db-lookups.ts'
import { seqs } from '../support/html.ts'
import { HttpUser } from '../support/http.ts'
import { openSocket, pushedSeqs } from '../support/socket.ts'

const INT_MAX = 2 ** 31 - 1
/** Seqs and ids on both sides of 2^31. */
const HX = { 'HX-Request': 'true' }
const PAST = [INT_MAX - 1, INT_MAX, INT_MAX + 1, INT_MAX + 2, INT_MAX + 3]

for (const backend of backends()) {
  describe(`counters past 2^31 [${backend.name}]`, { timeout: 90_000 }, () => {
    let app: TestApp
    let ann: HttpUser
    let ids: number[] = []
    before(async () => {
      app = await startTestApp(backend)
      ann = await HttpUser.signUp(app.url, 'ann')
      // A room (and a message table) one busy year on: the next seq and the next id are 2^31 - 2.
      await sql`UPDATE rooms SET last_seq = ${INT_MAX - 2} WHERE slug = 'general'`.execute(app.store.db)
      await sql.raw(`ALTER TABLE messages ALTER COLUMN id RESTART WITH ${INT_MAX - 1}`).execute(app.store.db)
      ids = []
      for (const [i] of PAST.entries()) ids.push(await say(ann, 'general', `past 2^31, message ${i}`))
    })
    after(() => app?.close())

    it('stores messages with seqs and ids past 2^31, read back as numbers', async () => {
      assert.deepEqual(ids, PAST, 'message ids go on past 2^31')
      const rows = await app.store.db.selectFrom('messages').select(['id', 'seq']).orderBy('seq').execute()
      assert.deepEqual(
        rows.map((r) => r.seq),
        PAST,
      )
      for (const r of rows) assert.equal(typeof r.seq, 'number', 'a bigint column is a JS number')
      const room = await app.store.db
        .selectFrom('rooms')
        .select('last_seq')
        .where('slug', '=', 'general')
        .executeTakeFirstOrThrow()
      assert.equal(room.last_seq, INT_MAX + 3)
    })

    it('pages through them: the room page, ?before=, ?after= and ?around=', async () => {
      assert.deepEqual(seqs((await ann.get('/rooms/general')).html), PAST)
      const older = await ann.get(`/rooms/general/messages?before=${INT_MAX + 2}`, HX)
      assert.equal(older.status, 200)
      assert.deepEqual(seqs(older.html), PAST.slice(0, 3))
      const newer = await ann.get(`/rooms/general/messages?after=${INT_MAX}`, HX)
      assert.equal(newer.status, 200)
      assert.deepEqual(seqs(newer.html), PAST.slice(2))
      const around = await ann.get(`/rooms/general?around=${INT_MAX + 1}`)
      assert.equal(around.status, 200)
      assert.deepEqual(seqs(around.html), PAST)
    })

    it('replays them to a socket that resumes from a seq past 2^31, and stores read marks there', async () => {
      const socket = await openSocket(ann, 'general', { lastSeq: INT_MAX + 1 })
      try {
        await socket.waitFor(() => pushedSeqs(socket).length >= 2, 'the replay')
        assert.deepEqual(pushedSeqs(socket), PAST.slice(3))
      } finally {
        socket.ws.terminate()
      }
      const room = await roomId(app, 'general')
      const user = await app.store.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'ann')
        .executeTakeFirstOrThrow()
      await markRead(app.store.db, user.id, room, INT_MAX + 3)
      assert.equal(await readMark(app, user.id, room), INT_MAX + 3)
    })
  })
}
