import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { storedKey } from '../../src/chat/send-key.ts'
import { createRoom, say } from '../support/admin.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { HttpUser } from '../support/http.ts'
import { readySocket, sideUpdates, waitSide } from '../support/live.ts'
import { isStored, type TestSocket } from '../support/socket.ts'

/**
 * A retry that finds its message stored but never announced (the commit's answer was lost) announces it: shown
 * once, and counted once in other pages' unread badges; a retry of one announced already is not counted again.
 */
for (const backend of backends()) {
  describe(`a re-announced message in the unread counts [${backend.name}]`, { timeout: 90_000 }, () => {
    let app: TestApp
    const sockets: TestSocket[] = []
    before(async () => {
      app = await startTestApp(backend)
    })
    after(async () => {
      for (const s of sockets) s.ws.terminate()
      await app?.close()
    })

    it('counts a message stored but never announced once its retry comes, and a retry of an announced one not again', async () => {
      const root = await HttpUser.signUp(app.url, 'root')
      const ann = await HttpUser.signUp(app.url, 'ann')
      const ben = await HttpUser.signUp(app.url, 'ben')
      const side = await createRoom(root, { name: 'Side' })
      const a = await readySocket(ann, 'general', sockets)
      const b = await readySocket(ben, 'side', sockets)
      const benId = (
        await app.store.db
          .selectFrom('users')
          .select('id')
          .where('username', '=', 'ben')
          .executeTakeFirstOrThrow()
      ).id
      const resend = (key: string, body: string) =>
        b.sendJson({ body, client_id: key, _csrf: ben.csrf, resend: true, headers: {} })
      const stored = () => b.frames.filter(isStored).length

      // What a commit whose answer never came leaves: the row under the send's key, and no frame.
      const lost = { key: randomUUID(), body: 'committed, answer lost, @ann' }
      await sql`
        WITH r AS (UPDATE rooms SET last_seq = last_seq + 1 WHERE id = ${side} RETURNING id, last_seq)
        INSERT INTO messages (room_id, seq, author_id, body, client_id)
        SELECT id, last_seq, ${benId}, ${lost.body}, ${storedKey(benId, lost.key, lost.body)} FROM r`.execute(
        app.store.db,
      )
      resend(lost.key, lost.body)
      await b.waitFor(() => stored() === 1, 'the retry answered "stored"')
      await waitSide(a, side, { unread: 1, mentions: 1 }, 'ann: the message and its mention, counted')

      // An announced message whose answer was lost: its retry is not one more unread.
      const seen = { key: randomUUID(), body: 'announced, answer lost' }
      b.sendMessage({ body: seen.body, client_id: seen.key, _csrf: ben.csrf })
      await waitSide(a, side, { unread: 2 }, 'ann: one more')
      resend(seen.key, seen.body)
      resend(lost.key, lost.body)
      await b.waitFor(() => stored() === 4, 'both retries answered "stored"')
      await say(ben, 'side', 'and one more')
      await waitSide(a, side, { unread: 3, mentions: 1 }, 'ann: only the new message added')
      assert.ok(
        sideUpdates(a, side).every((s) => s.unread <= 3 && s.mentions <= 1),
        `never counted twice: ${JSON.stringify(sideUpdates(a, side))}`,
      )
    })
  })
}
