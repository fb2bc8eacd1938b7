import assert from 'node:assert/strict'
import { after, afterEach, before, describe, it } from 'node:test'
import { manualClock } from '../../src/clock.ts'
import { createRoom, isOpen, say } from '../support/admin.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { lastSeq, readMark, userId } from '../support/db-lookups.ts'
import { seqs, sideEntry } from '../support/html.ts'
import { HttpUser } from '../support/http.ts'
import { readySocket, sideUpdates, waitSide } from '../support/live.ts'
import { settled, until } from '../support/settled.ts'
import type { TestSocket } from '../support/socket.ts'

// The read-mark throttle (realtime/live/read-marks.ts) runs on the app's clock: the tests move it on by hand.
const READ_EVERY_MS = 2000

for (const backend of backends()) {
  describe(`read marks [${backend.name}]`, { timeout: 90_000 }, () => {
    let app: TestApp
    let root: HttpUser
    let ann: HttpUser
    let ben: HttpUser
    let annId: number
    const sockets: TestSocket[] = []
    const clock = manualClock()
    before(async () => {
      app = await startTestApp(backend, {}, { clock })
      root = await HttpUser.signUp(app.url, 'root')
      ann = await HttpUser.signUp(app.url, 'ann')
      ben = await HttpUser.signUp(app.url, 'ben')
      annId = await userId(app, 'ann')
      await say(root, 'general', 'welcome')
    })
    afterEach(() => {
      for (const s of sockets.splice(0)) s.ws.terminate()
    })
    after(() => app?.close())

    /** A room with `n` messages by ben (unread for ann), and its id. */
    const roomWith = async (name: string, n: number) => {
      const id = await createRoom(root, { name })
      const slug = name.toLowerCase()
      for (let i = 1; i <= n; i++) await say(ben, slug, `${name} ${i}`)
      return { id, slug }
    }
    const refused = (s: TestSocket) => s.frames.filter((f) => f.includes('That frame was refused')).length

    it('stores the mark, and clears the badge on the person’s other pages at once, and only theirs', async () => {
      const room = await roomWith('Reading', 3)
      await say(ann, 'reading', 'ann was here') // unread for ben
      const elsewhere = await readySocket(ann, 'general', sockets)
      const benElsewhere = await readySocket(ben, 'general', sockets)
      await waitSide(elsewhere, room.id, { unread: 3 }, 'ann: 3 unread in Reading')
      await waitSide(benElsewhere, room.id, { unread: 1 }, 'ben: 1 unread in Reading')
      const reading = await readySocket(ann, room.slug, sockets)
      const last = await lastSeq(app, room.slug)
      reading.sendJson({ type: 'read', seq: last })
      await waitSide(elsewhere, room.id, { unread: 0, mentioned: false }, 'ann’s other page: cleared')
      assert.equal(await readMark(app, annId, room.id), last)
      assert.equal(sideUpdates(benElsewhere, room.id).length, 1, 'ben’s page is told nothing')
      assert.equal(sideEntry((await ann.get('/rooms/general')).html, room.id)?.unread, 0, 'the page agrees')
      // Later messages count again, from zero.
      await say(ben, room.slug, 'one more')
      await waitSide(elsewhere, room.id, { unread: 1 }, 'ann: a new one after the read')
    })

    it('stores at most one mark per 2 s per socket', async () => {
      const room = await roomWith('Throttle', 4)
      const s = await readySocket(ann, room.slug, sockets)
      const start = clock.now()
      s.sendJson({ type: 'read', seq: 2 })
      s.sendJson({ type: 'read', seq: 3 })
      await settled(s)
      assert.ok(clock.now() - start < READ_EVERY_MS, 'both handled within the window')
      assert.equal(await readMark(app, annId, room.id), 2, 'the second, within 2 s, is not stored then')
      clock.advance(READ_EVERY_MS - 1) // the held store would have started within this advance: it has not
      assert.equal(await readMark(app, annId, room.id), 2, 'still held a millisecond before the window ends')
      clock.advance(1)
      // Seq 3 was held, not dropped: stored when the window ended. Seq 4, in the next window, follows at its end.
      await until(async () => (await readMark(app, annId, room.id)) === 3, 'the held mark stored')
      assert.equal(await readMark(app, annId, room.id), 3, 'the held mark, once the window is over')
      s.sendJson({ type: 'read', seq: 4 })
      await settled(s)
      clock.advance(READ_EVERY_MS)
      await until(async () => (await readMark(app, annId, room.id)) === 4, 'the next mark')
      // A mark never moves back.
      const other = await readySocket(ann, room.slug, sockets)
      other.sendJson({ type: 'read', seq: 1 })
      await settled(other)
      assert.equal(await readMark(app, annId, room.id), 4)
    })

    it('does not lose the last mark a page sent within the 2 s (chat.js says it once a second)', async () => {
      const room = await roomWith('Trailing', 2)
      const s = await readySocket(ann, room.slug, sockets)
      const elsewhere = await readySocket(ann, 'general', sockets)
      s.sendJson({ type: 'read', seq: 1 })
      await settled(s)
      clock.advance(1000) // the page reads on, and says so a second later
      s.sendJson({ type: 'read', seq: 2 })
      await settled(s)
      clock.advance(READ_EVERY_MS - 1000) // the window ends
      const stored = async () => (await readMark(app, annId, room.id)) === 2
      await until(stored, 'the later mark').catch(() => {})
      assert.equal(await readMark(app, annId, room.id), 2, 'the room is read to its end, as the page said')
      assert.equal(sideEntry((await ann.get('/rooms/general')).html, room.id)?.unread, 0, 'no badge left')
      await waitSide(elsewhere, room.id, { unread: 0 }, 'and none on the other page')
    })

    it('refuses a read frame that is not a whole number, stores nothing, and keeps the socket', async () => {
      const room = await roomWith('Refusals', 2)
      const s = await readySocket(ann, room.slug, sockets)
      const mark = await readMark(app, annId, room.id)
      const before = refused(s)
      for (const bad of [{ seq: -1 }, { seq: 1.5 }, { seq: '2' }, {}, { seq: 2, room: 1 }])
        s.sendJson({ type: 'read', ...bad })
      await settled(s)
      assert.equal(refused(s) - before, 6, 'five refusals and the barrier’s')
      assert.match(s.frames.join(''), /That frame was refused: seq must be a whole number\./)
      assert.equal(await readMark(app, annId, room.id), mark)
      assert.ok(isOpen(s))
    })

    it('keeps the socket when a read frame’s seq is past what the database can hold (no 1011)', async () => {
      const room = await roomWith('Huge', 1)
      const s = await readySocket(ann, room.slug, sockets)
      const mark = await readMark(app, annId, room.id)
      s.sendJson({ type: 'read', seq: 2 ** 31 })
      const closed = await Promise.race([
        s.closed,
        settled(s).then(
          () => undefined,
          () => ({ code: 0, reason: 'neither closed nor answered' }),
        ),
      ])
      assert.equal(closed, undefined, `socket closed: ${JSON.stringify(closed)}`)
      // Capped at the room's newest event (seq 1), never stored as sent.
      assert.equal(await readMark(app, annId, room.id), Math.max(mark ?? 0, 1))
    })

    it('does not store a mark past the room’s newest message (later messages would never be unread)', async () => {
      const room = await roomWith('Ahead', 1)
      const s = await readySocket(ann, room.slug, sockets)
      s.sendJson({ type: 'read', seq: 1000 })
      await settled(s)
      const mark = await readMark(app, annId, room.id)
      assert.ok((mark ?? 0) <= (await lastSeq(app, room.slug)), `stored ${mark}`)
      await say(ben, room.slug, 'this one is new')
      assert.equal(sideEntry((await ann.get('/rooms/general')).html, room.id)?.unread, 1)
    })

    it('never sends a page a sidebar entry for its own room (that entry drops its "current" mark)', async () => {
      const room = await roomWith('Own', 1)
      const page = await ann.get(`/rooms/${room.slug}`) // read up to seq 1
      await say(ben, room.slug, 'arrives before the page’s socket is up')
      const s = await readySocket(ann, room.slug, sockets, { lastSeq: Math.max(...seqs(page.html)) })
      const elsewhere = await readySocket(ann, 'general', sockets)
      await waitSide(elsewhere, room.id, { unread: 1 }, 'the other page: one unread')
      s.sendJson({ type: 'read', seq: await lastSeq(app, room.slug) })
      // The read notice reaches all of ann's pages in one go: once the other page is cleared, so is this one.
      await waitSide(elsewhere, room.id, { unread: 0 }, 'the other page: cleared')
      assert.deepEqual(sideUpdates(s, room.id), [], 'nothing about its own room')
    })

    it('reads a room by opening its newest page, not an older one (?around, ?before)', async () => {
      const room = await roomWith('Long', 60)
      const before = await readMark(app, annId, room.id)
      const around = await ann.get(`/rooms/${room.slug}?around=5`)
      assert.equal(around.status, 200)
      assert.ok(seqs(around.html).includes(5), 'the page holds message 5')
      assert.match(around.html, /<p class="body">Long 5<\/p>/)
      assert.equal((await ann.get(`/rooms/${room.slug}?before=20`)).status, 200)
      assert.equal(await readMark(app, annId, room.id), before, 'older pages do not read the room')
      assert.equal(sideEntry((await ann.get('/rooms/general')).html, room.id)?.unread, 60)
      await ann.get(`/rooms/${room.slug}`)
      assert.equal(await readMark(app, annId, room.id), await lastSeq(app, room.slug))
    })
  })
}
