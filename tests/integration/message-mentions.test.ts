import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { type Kysely, sql } from 'kysely'
import { mentionedNames, mentionPattern } from '../../src/mentions.ts'
import { insertBatch } from '../../src/store/message-batch.repo.ts'
import { insertOne } from '../../src/store/message-insert.repo.ts'
import { MIGRATIONS_DIR } from '../../src/store/migrate.ts'
import { unreadCounts } from '../../src/store/reads.repo.ts'
import type { Database } from '../../src/store/schema.ts'
import { createRoom, say } from '../support/admin.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { userId } from '../support/db-lookups.ts'
import { HttpUser } from '../support/http.ts'
import { MENTION_CASES } from '../support/mention-cases.ts'

const MIGRATION = path.join(MIGRATIONS_DIR, '20261202000000_message_mentions.sql')

/** The counts as they were computed before mentions were recorded: a regex over every unread body. */
async function regexCounts(db: Kysely<Database>, user: { id: number; username: string }, room: number) {
  const { rows } = await sql<{ unread: string | number; mentions: string | number }>`
    SELECT count(m.id) AS unread, count(m.id) FILTER (WHERE m.body ~* ${mentionPattern(user.username)}) AS mentions
    FROM rooms r
    LEFT JOIN room_reads rr ON rr.room_id = r.id AND rr.user_id = ${user.id}
    LEFT JOIN messages m ON m.room_id = r.id AND m.seq > coalesce(rr.last_read_seq, 0)
      AND m.deleted_at IS NULL AND m.author_id <> ${user.id}
    WHERE r.id = ${room}`.execute(db)
  const row = rows[0] as { unread: string | number; mentions: string | number }
  return { roomId: room, unread: Number(row.unread), mentions: Number(row.mentions) }
}

/** Every recorded mention, in a stable order. */
async function recorded(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ r: string }>`
    SELECT concat_ws(' ', user_id, room_id, seq, message_id) AS r FROM message_mentions ORDER BY 1`.execute(
    db,
  )
  return rows.map((x) => x.r)
}

for (const backend of backends()) {
  describe(`mentions recorded when a message is stored [${backend.name}]`, { timeout: 90_000 }, () => {
    let app: TestApp
    let root: HttpUser
    let db: Kysely<Database>
    const people: Record<string, HttpUser> = {}
    before(async () => {
      app = await startTestApp(backend)
      db = app.store.db
      root = await HttpUser.signUp(app.url, 'root')
      for (const name of ['ann', 'Ben', 'j.doe']) people[name] = await HttpUser.signUp(app.url, name)
    })
    after(() => app?.close())

    it("the migration's SQL grammar names what mentionedNames() names, on every example", async () => {
      for (const [text, names] of MENTION_CASES) {
        const { rows } = await sql<{ n: string[] }>`SELECT mentioned_names(${text}) AS n`.execute(db)
        assert.deepEqual(
          [...(rows[0]?.n ?? [])].sort(),
          [...mentionedNames(text)].sort(),
          JSON.stringify(text),
        )
        assert.deepEqual([...mentionedNames(text)].sort(), [...names].sort())
      }
    })

    it('counts what the regex counted, through posts, edits that add or drop a mention, and deletions', async () => {
      const room = await createRoom(root, { name: 'Pings' })
      const ann = people.ann as HttpUser
      const ben = people.Ben as HttpUser
      const jdoe = people['j.doe'] as HttpUser
      const ids: number[] = []
      for (const [who, body] of [
        [ben, 'hello @ANN and @j.doe.'],
        [ben, '@annie is someone else, @ben is Ben'],
        [ann, '@ann talks to herself, and to @Ben'],
        [jdoe, 'mail ann@example.org, (@root)'],
        [ben, 'no mention here'],
        [root, '@ann @ann @ANN once, @J.DOE once'],
        [jdoe, 'to be edited: no mention'],
        [ben, 'to be edited away: @ann'],
        [root, 'to be deleted: @ann @ben'],
      ] as Array<[HttpUser, string]>)
        ids.push(await say(who, 'pings', body))
      const edit = (user: HttpUser, id: number, body: string) => user.post(`/messages/${id}/edit`, { body })
      assert.equal((await edit(jdoe, ids[6] as number, 'edited: now @ann and @root')).status, 303)
      assert.equal((await edit(ben, ids[7] as number, 'edited: nobody')).status, 303)
      assert.equal((await root.post(`/messages/${ids[8]}/delete`, {})).status, 303)
      for (const username of ['root', 'ann', 'Ben', 'j.doe']) {
        const user = { id: await userId(app, username), username }
        const [now] = await unreadCounts(db, user, [room])
        assert.deepEqual(now, await regexCounts(db, user, room), username)
      }
      const ann0 = (await unreadCounts(db, { id: await userId(app, 'ann') }, [room]))[0]
      assert.deepEqual(ann0, { roomId: room, unread: 7, mentions: 3 }, 'the figures are not all zero')
    })

    it('records mentions on the batch path and the one-message path alike (names of others only)', async () => {
      const room = await createRoom(root, { name: 'Batch' })
      const [rootId, annId, benId] = [
        await userId(app, 'root'),
        await userId(app, 'ann'),
        await userId(app, 'Ben'),
      ]
      const input = (body: string, clientId: string) => ({
        roomId: room,
        authorId: rootId,
        author: 'root',
        body,
        clientId,
      })
      const [a, b, c] = await insertBatch(db, [
        input('@ann @BEN @root @nobody', 'b1'),
        input('no mention', 'b2'),
        input('@ben.', 'b3'),
      ])
      const one = await insertOne(db, input('(@ann)', 'o1'))
      assert.ok(a && b && c && one.kind === 'stored')
      const { rows } = await sql<{ user_id: number; seq: string | number; message_id: string | number }>`
        SELECT user_id, seq, message_id FROM message_mentions WHERE room_id = ${room} ORDER BY seq, user_id`.execute(
        db,
      )
      const got = rows.map((r) => [r.user_id, Number(r.seq), Number(r.message_id)])
      assert.deepEqual(
        got,
        [
          [annId, a.seq, a.id],
          [benId, a.seq, a.id],
          [benId, c.seq, c.id],
          [annId, one.message.seq, one.message.id],
        ].sort((x, y) => (x[1] as number) - (y[1] as number) || (x[0] as number) - (y[0] as number)),
      )
    })

    it("the migration's backfill records what the app records when it stores the messages", async () => {
      const live = await recorded(db)
      assert.ok(live.length >= 5, `mentions were recorded (${live.length})`)
      const text = await readFile(MIGRATION, 'utf8')
      const backfill = /^INSERT INTO message_mentions[\s\S]*?;$/m.exec(text)?.[0]
      assert.ok(backfill, 'the backfill statement')
      await sql`DELETE FROM message_mentions`.execute(db)
      await sql.raw(backfill).execute(db)
      assert.deepEqual(await recorded(db), live)
    })
  })
}
