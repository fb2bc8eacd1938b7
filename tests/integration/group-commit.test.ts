import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { insertBatch } from '../../src/store/message-batch.repo.ts'
import { insertMessage } from '../../src/store/message-writer.ts'
import type { Message } from '../../src/store/records.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { seqs } from '../support/html.ts'
import { HttpUser } from '../support/http.ts'
import { isAnswer, isStored, openSocket, type TestSocket } from '../support/socket.ts'

/** Messages are stored in groups under load (one statement and commit for many): the rules hold for each. */
for (const backend of backends()) {
  describe(`storing messages under load [${backend.name}]`, { timeout: 90_000 }, () => {
    let app: TestApp
    let ann: HttpUser
    let ben: HttpUser
    let annId: number
    const open: TestSocket[] = []
    const db = () => app.store.db
    const room = async (slug: string, extra: { private?: boolean; archived?: boolean } = {}) => {
      const row = await db()
        .insertInto('rooms')
        .values({
          slug,
          name: slug,
          private: extra.private ?? false,
          archived_at: extra.archived ? new Date() : null,
        })
        .returning(['id', 'last_seq'])
        .executeTakeFirstOrThrow()
      return row.id
    }
    const lastSeq = async (roomId: number) =>
      (await db().selectFrom('rooms').select('last_seq').where('id', '=', roomId).executeTakeFirstOrThrow())
        .last_seq
    let benId: number
    const input = (
      roomId: number,
      body: string,
      clientId = randomUUID(),
      by = { id: annId, name: 'ann' },
    ) => ({
      roomId,
      authorId: by.id,
      author: by.name,
      body,
      clientId,
    })

    before(async () => {
      app = await startTestApp(backend)
      ann = await HttpUser.signUp(app.url, 'ann')
      ben = await HttpUser.signUp(app.url, 'ben')
      const row = await db()
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'ann')
        .executeTakeFirstOrThrow()
      annId = row.id
      // ann, the first to sign up, is the admin; ben is a member.
      benId = (
        await db().selectFrom('users').select('id').where('username', '=', 'ben').executeTakeFirstOrThrow()
      ).id
    })
    after(async () => {
      for (const s of open) s.ws.terminate()
      await app?.close()
    })

    it('stores a batch over several rooms with each room’s next seqs in order, and leaves out what it may not store', async () => {
      const [a, b, shut, closed] = [
        await room('batch-a'),
        await room('batch-b'),
        await room('batch-private', { private: true }),
        await room('batch-archived', { archived: true }),
      ]
      const retried = randomUUID()
      assert.equal((await insertMessage(db(), input(a, 'already here', retried))).kind, 'stored')
      const before = { a: await lastSeq(a), b: await lastSeq(b) }
      const inputs = [
        input(a, 'a1'),
        input(b, 'b1'),
        input(shut, 'not a member', randomUUID(), { id: benId, name: 'ben' }),
        input(a, 'a2'),
        input(closed, 'archived'),
        input(a, 'a retry', retried),
        input(a, 'a3'),
      ]
      const stored = await insertBatch(db(), inputs)
      const seqOf = (i: number) => (stored[i] as Message | undefined)?.seq
      assert.deepEqual(
        [seqOf(0), seqOf(3), seqOf(6)],
        [before.a + 1, before.a + 2, before.a + 3],
        'room a: the next three seqs, in the order given',
      )
      assert.equal(seqOf(1), before.b + 1)
      assert.deepEqual([stored[2], stored[4], stored[5]], [undefined, undefined, undefined])
      assert.equal(await lastSeq(a), before.a + 3, 'the counter moved by what was stored')
      assert.equal(await lastSeq(b), before.b + 1)
      assert.equal(await lastSeq(shut), 0)
      assert.equal(await lastSeq(closed), 0)
      const rows = await db()
        .selectFrom('messages')
        .select(['body', 'seq'])
        .where('room_id', '=', a)
        .orderBy('seq')
        .execute()
      assert.deepEqual(
        rows.map((r) => r.body),
        ['already here', 'a1', 'a2', 'a3'],
      )
    })

    it('writes messages that come while a write runs together, in the order they came, each once', async () => {
      const [a, b] = [await room('burst-a'), await room('burst-b')]
      const dup = randomUUID()
      const calls = Array.from({ length: 40 }, (_, i) =>
        insertMessage(db(), input(i % 2 ? b : a, `m${i}`, i === 21 ? dup : randomUUID())),
      )
      calls.push(insertMessage(db(), input(b, 'resent m21', dup)))
      const results = await Promise.all(calls)
      const created = results.filter((r) => r.kind === 'stored' && r.created)
      assert.equal(created.length, 40)
      const resent = results[40]
      const first = results[21]
      assert.ok(resent?.kind === 'stored' && first?.kind === 'stored')
      assert.equal(resent.created, false, 'the resend is answered with the stored message')
      assert.equal(resent.message.id, first.message.id)
      for (const [roomId, parity] of [
        [a, 0],
        [b, 1],
      ] as const) {
        const rows = await db()
          .selectFrom('messages')
          .select(['body', 'seq'])
          .where('room_id', '=', roomId)
          .orderBy('seq')
          .execute()
        const expected = Array.from({ length: 40 }, (_, i) => i).filter((i) => i % 2 === parity)
        assert.deepEqual(
          rows.map((r) => r.body),
          expected.map((i) => `m${i}`),
          'stored in the order they came',
        )
        assert.deepEqual(
          rows.map((r) => r.seq),
          expected.map((_, k) => k + 1),
          'gapless',
        )
      }
      // Rows written by one statement share its transaction id: fewer transactions than messages.
      const { rows } = await sql<{ n: string }>`
        SELECT count(DISTINCT xmin::text) AS n FROM messages WHERE room_id IN (${a}, ${b})`.execute(db())
      const transactions = Number(rows[0]?.n)
      assert.ok(transactions < 40, `40 messages in ${transactions} transactions`)
    })

    it('stores the frames one socket sends without waiting in the order sent, several per write, and shows each once', async () => {
      await ann.post('/rooms', { name: 'Pipeline' })
      const sender = await openSocket(ann, 'pipeline')
      const reader = await openSocket(ben, 'pipeline')
      open.push(sender, reader)
      // Under the 50 frames a socket may have waiting (MAX_PENDING_FRAMES), all sent in one go.
      const n = 45
      const ids = Array.from({ length: n }, () => randomUUID())
      for (let i = 0; i < n; i++)
        sender.sendMessage({ body: `pipe ${i}`, client_id: ids[i] as string, _csrf: ann.csrf })
      sender.sendMessage({ body: 'pipe 7', client_id: ids[7] as string, _csrf: ann.csrf })
      await sender.waitFor((fs) => fs.filter(isAnswer).length >= n + 1, 'an answer for every frame', 15_000)
      const mine = (fs: string[]) => fs.filter((f) => f.includes('pipe '))
      await reader.waitFor((fs) => mine(fs).length >= n, 'every message', 15_000)
      const bodies = mine(reader.frames).map((f) => /pipe (\d+)/.exec(f)?.[1])
      assert.deepEqual(
        bodies,
        ids.map((_, i) => String(i)),
        'in the order sent, each once',
      )
      const got = mine(reader.frames).flatMap(seqs)
      for (let i = 1; i < got.length; i++) assert.equal(got[i], (got[i - 1] as number) + 1)
      // Handled one frame after another (each stored before the next is read), there would be one
      // transaction per message; admitted while the one before is stored, they share writes.
      const { rows } = await sql<{ n: string }>`
        SELECT count(DISTINCT m.xmin::text) AS n FROM messages m JOIN rooms r ON r.id = m.room_id
        WHERE r.slug = 'pipeline'`.execute(db())
      assert.ok(Number(rows[0]?.n) < n, `${n} messages in ${rows[0]?.n} transactions`)
    })

    it('answers a socket’s frames in the order sent, a refusal between two stored messages included', async () => {
      await ann.post('/rooms', { name: 'Answers' })
      const sender = await openSocket(ann, 'answers')
      open.push(sender)
      const send = (body: string) => sender.sendMessage({ body, client_id: randomUUID(), _csrf: ann.csrf })
      send('first')
      send('x'.repeat(4001))
      send('third')
      await sender.waitFor((fs) => fs.filter(isAnswer).length >= 3, 'three answers')
      const [a, b, c] = sender.frames.filter(isAnswer)
      assert.ok(isStored(a ?? ''), 'the first is stored')
      assert.match(b ?? '', /at most 4,000 characters/, 'the second is refused (the page keeps its text)')
      assert.ok(isStored(c ?? ''), 'the third is stored')
    })

    it('fails only the message Postgres refuses, not the others written with it', async () => {
      const a = await room('refused-one')
      const calls = Array.from({ length: 10 }, (_, i) =>
        insertMessage(db(), input(a, i === 4 ? 'nul \u0000 here' : `r${i}`)).then(
          (r) => (r.kind === 'stored' ? r.message.body : r.kind),
          () => 'refused',
        ),
      )
      const results = await Promise.all(calls)
      assert.deepEqual(
        results,
        Array.from({ length: 10 }, (_, i) => (i === 4 ? 'refused' : `r${i}`)),
      )
      const rows = await db()
        .selectFrom('messages')
        .select('seq')
        .where('room_id', '=', a)
        .orderBy('seq')
        .execute()
      assert.deepEqual(
        rows.map((r) => r.seq),
        [1, 2, 3, 4, 5, 6, 7, 8, 9],
        'still gapless',
      )
    })
  })
}
