import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { addMember, createRoom, say } from '../support/admin.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { userId } from '../support/db-lookups.ts'
import { type Side, sideEntry } from '../support/html.ts'
import { HttpUser } from '../support/http.ts'

const none: Side = { unread: 0, mentions: 0, mentioned: false, current: false }

/** Unread counts that do not grow with history: capped at "999+", and nobody starts with a room's past unread. */
for (const backend of backends()) {
  describe(`unread counts at any history size [${backend.name}]`, { timeout: 90_000 }, () => {
    let app: TestApp
    let root: HttpUser
    let ann: HttpUser
    let cat: HttpUser
    const page = async (user: HttpUser) => (await user.get('/rooms/general')).html
    before(async () => {
      app = await startTestApp(backend)
      root = await HttpUser.signUp(app.url, 'root')
      ann = await HttpUser.signUp(app.url, 'ann')
      cat = await HttpUser.signUp(app.url, 'cat')
    })
    after(() => app?.close())

    it('shows "999+" from 1,000 unread (and mentions) on, the exact figure below', async () => {
      const flood = await createRoom(root, { name: 'Flood' })
      const [rootId, annId] = [await userId(app, 'root'), await userId(app, 'ann')]
      await sql`INSERT INTO messages (room_id, seq, author_id, body, client_id)
        SELECT ${flood}, s, ${rootId}, '@ann number ' || s, 'seed-' || s FROM generate_series(1, 1005) s`.execute(
        app.store.db,
      )
      await sql`INSERT INTO message_mentions (user_id, room_id, seq, message_id)
        SELECT ${annId}, room_id, seq, id FROM messages WHERE room_id = ${flood}`.execute(app.store.db)
      await sql`UPDATE rooms SET last_seq = 1005 WHERE id = ${flood}`.execute(app.store.db)
      const item = (html: string) => new RegExp(`<li id="side-${flood}"[\\s\\S]*?</li>`).exec(html)?.[0] ?? ''
      assert.match(item(await page(ann)), /title="999\+ unread, 999\+ mentioning you">999\+</)
      await sql`INSERT INTO room_reads (user_id, room_id, last_read_seq) VALUES (${annId}, ${flood}, 6)`.execute(
        app.store.db,
      )
      assert.deepEqual(sideEntry(await page(ann), flood), {
        unread: 999,
        mentions: 999,
        mentioned: true,
        current: false,
      })
    })

    it('a new member of a private room starts with it read, even with a mark from before; an admin made a member keeps their unread', async () => {
      const vault = await createRoom(root, { name: 'Vault', private: true })
      for (const body of ['one', 'two', 'three']) await say(root, 'vault', body)
      await addMember(root, vault, 'ann')
      assert.deepEqual(sideEntry(await page(ann), vault), none)
      await say(root, 'vault', 'four')
      assert.deepEqual(sideEntry(await page(ann), vault), { ...none, unread: 1 }, 'from now on, counted')
      // dan signs up now (every room's mark at its newest, the private ones too) and is added later.
      const dan = await HttpUser.signUp(app.url, 'dan')
      await say(root, 'vault', 'five')
      await addMember(root, vault, 'dan')
      assert.deepEqual(sideEntry(await page(dan), vault), none, 'a mark from sign-up is moved up to now')
      // An admin could read the room already: joining it changes nothing of what they have not read.
      const eve = await HttpUser.signUp(app.url, 'eve')
      assert.equal((await root.post(`/admin/people/${await userId(app, 'eve')}/promote`, {})).status, 303)
      await say(root, 'vault', 'six')
      await addMember(root, vault, 'eve')
      assert.deepEqual(sideEntry(await page(eve), vault), { ...none, unread: 1 }, 'an admin made a member')
    })

    it('a private room made open, or a private room seen by a new admin, starts read for them', async () => {
      const attic = await createRoom(root, { name: 'Attic', private: true })
      const den = await createRoom(root, { name: 'Den', private: true })
      for (const body of ['a', 'b']) {
        await say(root, 'attic', body)
        await say(root, 'den', body)
      }
      const opened = await root.post(`/admin/rooms/${attic}`, { name: 'Attic', slug: 'attic', topic: '' })
      assert.equal(opened.status, 303)
      assert.deepEqual(sideEntry(await page(ann), attic), none)
      assert.equal((await root.post(`/admin/people/${await userId(app, 'cat')}/promote`, {})).status, 303)
      assert.deepEqual(sideEntry(await page(cat), den), none)
      assert.deepEqual(sideEntry(await page(cat), attic), none)
      await say(root, 'den', 'c')
      assert.deepEqual(sideEntry(await page(cat), den), { ...none, unread: 1 })
    })
  })
}
