import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { storedWithBody } from '../support/db-lookups.ts'
import { articleIds, clientIdOf, seqs } from '../support/html.ts'
import { HttpUser } from '../support/http.ts'
import { isAnswer, isStored, openSocket, type TestSocket } from '../support/socket.ts'

const isMessage = (f: string) =>
  /^<!--seq \d+--><hx-partial hx-target="#messages" hx-swap="beforeend">/.test(f)
const withText = (text: string) => (frames: string[]) => frames.some((f) => isMessage(f) && f.includes(text))
const count = (s: TestSocket, text: string) => s.frames.filter((f) => isMessage(f) && f.includes(text)).length

for (const backend of backends()) {
  describe(`live chat over the socket [${backend.name}]`, { timeout: 90_000 }, () => {
    let app: TestApp
    let ann: HttpUser
    let ben: HttpUser
    let cat: HttpUser
    const open: TestSocket[] = []
    const socket = async (user: HttpUser, slug: string, lastSeq?: number | null) => {
      const s = await openSocket(user, slug, { lastSeq })
      open.push(s)
      return s
    }
    const composer = async (user: HttpUser, slug: string) => {
      const html = (await user.get(`/rooms/${slug}`)).html
      return { client_id: clientIdOf(html), _csrf: user.csrf }
    }
    before(async () => {
      app = await startTestApp(backend)
      ann = await HttpUser.signUp(app.url, 'ann')
      ben = await HttpUser.signUp(app.url, 'ben')
      cat = await HttpUser.signUp(app.url, 'cat')
      await ann.post('/rooms', { name: 'Other' })
    })
    after(async () => {
      for (const s of open) s.ws.terminate()
      await app?.close()
    })

    it('pushes one frame per message to every socket of the room, sender included, and the answer to the sender only', async () => {
      const a = await socket(ann, 'general')
      const b = await socket(ben, 'general')
      const c = await socket(cat, 'other')
      a.sendMessage({ body: 'live hello', ...(await composer(ann, 'general')) })
      await a.waitFor(withText('live hello'), 'own message')
      await a.waitFor((f) => f.some(isStored), 'the answer: stored')
      await b.waitFor(withText('live hello'), 'message on the other socket')
      assert.match(b.frames.find(isMessage) ?? '', /<span class="author">ann<\/span>/)
      // A message in the other room proves c is live; it must be the only thing c got.
      c.sendMessage({ body: 'other room only', ...(await composer(cat, 'other')) })
      await c.waitFor(withText('other room only'), 'other room message')
      assert.equal(count(a, 'live hello'), 1)
      assert.equal(count(b, 'live hello'), 1)
      assert.equal(b.frames.filter(isAnswer).length, 0, 'only the sender gets an answer')
      assert.equal(c.frames.filter((f) => f.includes('live hello')).length, 0, 'no leak across rooms')
      assert.equal(a.frames.filter((f) => f.includes('other room only')).length, 0)
      const ack = a.frames.find(isStored) ?? ''
      const id = /id="(message-\d+)"/.exec(a.frames.find(isMessage) ?? '')?.[1]
      assert.ok(ack.includes(`data-message="${id}"`), 'the answer names the stored message')
    })

    it('stores a resent frame once and shows it once', async () => {
      const a = await socket(ann, 'general')
      const b = await socket(ben, 'general')
      const fields = { body: 'sent twice', ...(await composer(ann, 'general')) }
      a.sendMessage(fields)
      a.sendMessage(fields)
      await a.waitFor((f) => f.filter(isStored).length === 2, 'two answers: stored')
      b.sendMessage({ body: 'after the resend', ...(await composer(ben, 'general')) })
      await b.waitFor(withText('after the resend'), 'a later message')
      assert.equal(count(b, 'sent twice'), 1)
      assert.equal(await storedWithBody(app, 'sent twice'), 1)
    })

    it('refuses a frame with a wrong CSRF token and an over-long body, keeping the text', async () => {
      const a = await socket(ann, 'general')
      const fields = await composer(ann, 'general')
      a.sendMessage({ ...fields, body: 'forged', _csrf: 'nope' })
      await a.waitFor((f) => f.some((x) => isAnswer(x) && x.includes('This page has expired')), 'csrf error')
      a.sendMessage({ ...fields, body: 'y'.repeat(4001) })
      await a.waitFor(
        (f) => f.some((x) => isAnswer(x) && x.includes('at most 4,000 characters')),
        'length error',
      )
      const err = a.frames.find((x) => x.includes('at most 4,000 characters')) ?? ''
      // The page keeps the text: the answer names the send, whose entry the page turns back into the text.
      assert.ok(err.includes(`<li id="send-${fields.client_id}" class="send failed"`), 'names the send')
      a.sendMessage({ ...fields, body: '   ' })
      await a.waitFor((f) => f.some((x) => isAnswer(x) && x.includes('Write something first')), 'empty error')
      const rows = await app.store.db
        .selectFrom('messages')
        .select('id')
        .where('body', 'in', ['forged', 'y'.repeat(4001)])
        .execute()
      assert.equal(rows.length, 0)
      assert.equal(
        a.frames.filter((x) => isMessage(x) && (x.includes('forged') || x.includes('yyyy'))).length,
        0,
      )
    })

    it('delivers a message posted without JavaScript to the open sockets', async () => {
      const b = await socket(ben, 'general')
      const res = await ann.post('/rooms/general/messages', {
        body: 'from a plain form',
        client_id: (await composer(ann, 'general')).client_id,
      })
      assert.equal(res.status, 303)
      await b.waitFor(withText('from a plain form'), 'form message pushed live')
    })

    it('replays what a reconnecting page missed, then goes live without duplicates', async () => {
      const a = await socket(ann, 'general')
      for (const body of ['missed one', 'missed two']) {
        a.sendMessage({ body, ...(await composer(ann, 'general')) })
        await a.waitFor(withText(body), body)
      }
      const page = (await ben.get('/rooms/general')).html
      const last = Math.max(...seqs(page))
      const b = await socket(ben, 'general', last - 2)
      await b.waitFor((f) => f.some(isMessage), 'replay')
      const replay = b.frames.find(isMessage) ?? ''
      assert.deepEqual(seqs(replay), [last - 1, last])
      a.sendMessage({ body: 'after replay', ...(await composer(ann, 'general')) })
      await b.waitFor(withText('after replay'), 'live after replay')
      const all = b.frames.filter(isMessage).flatMap(seqs)
      assert.deepEqual(all, [last - 1, last, last + 1])
    })

    it('re-renders the log instead of replaying more than 500 missed messages', async () => {
      await ann.post('/rooms', { name: 'Bulk' })
      await sql`
        INSERT INTO messages (room_id, seq, author_id, body, client_id)
        SELECT r.id, g, u.id, 'bulk ' || g, 'bulk-client-' || g
        FROM rooms r, users u, generate_series(1, 600) g WHERE r.slug = 'bulk' AND u.username = 'ann'`.execute(
        app.store.db,
      )
      await sql`UPDATE rooms SET last_seq = 600 WHERE slug = 'bulk'`.execute(app.store.db)
      const far = await socket(ben, 'bulk', 50)
      await far.waitFor((f) => f.length > 0, 'the catch-up frame')
      const reload = far.frames[0] ?? ''
      assert.match(reload, /^<!--seq \d+--><hx-partial hx-target="#messages" hx-swap="innerHTML">/)
      assert.deepEqual(
        seqs(reload),
        Array.from({ length: 50 }, (_, i) => 551 + i),
      )
      assert.match(reload, /Older messages/)
      const near = await socket(ben, 'bulk', 590)
      await near.waitFor((f) => f.length > 0, 'the replay frame')
      assert.deepEqual(
        seqs(near.frames[0] ?? ''),
        Array.from({ length: 10 }, (_, i) => 591 + i),
      )
    })

    it('keeps order and loses nothing when many send at once', async () => {
      const a = await socket(ann, 'other')
      const b = await socket(ben, 'other')
      const reader = await socket(cat, 'other')
      const n = 25
      const sends: Promise<void>[] = []
      for (const [user, s] of [
        [ann, a],
        [ben, b],
      ] as const) {
        for (let i = 0; i < n; i++) {
          sends.push(
            composer(user, 'other').then((f) =>
              s.sendMessage({ body: `burst ${user === ann ? 'a' : 'b'}${i}`, ...f }),
            ),
          )
        }
      }
      await Promise.all(sends)
      await reader.waitFor(
        (f) => f.filter((x) => x.includes('burst ')).length >= 2 * n,
        'the whole burst',
        15_000,
      )
      const got = reader.frames.filter((x) => x.includes('burst ')).flatMap(seqs)
      assert.equal(got.length, 2 * n)
      for (let i = 1; i < got.length; i++)
        assert.equal(got[i], (got[i - 1] as number) + 1, 'seqs arrive gapless and in order')
      assert.equal(new Set(reader.frames.flatMap(articleIds)).size, reader.frames.flatMap(articleIds).length)
    })

    it('answers junk with a notice, closes on binary (1003) and oversize (1009) frames', async () => {
      const a = await socket(ann, 'general')
      a.ws.send('not json at all')
      await a.waitFor((f) => f.some((x) => x.includes('That frame was refused: not JSON')), 'notice')
      a.sendJson({ type: 'resume', last_seq: 0 })
      await a.waitFor(
        (f) => f.some((x) => x.includes('this socket has resumed already')),
        'one resume per socket',
      )
      a.sendJson({ type: 'resume', last_seq: 'x' })
      await a.waitFor((f) => f.some((x) => x.includes('last_seq must be a whole number')), 'notice 2')
      a.ws.send(Buffer.from([1, 2, 3]), { binary: true })
      assert.equal((await a.closed).code, 1003)
      const b = await socket(ann, 'general')
      // The biggest legitimate frame (4,000 four-byte characters, JSON-escaped) still fits.
      const big = await socket(ann, 'general')
      big.sendMessage({ body: '😀'.repeat(4000), ...(await composer(ann, 'general')) })
      await big.waitFor(withText('😀'.repeat(4000)), 'a big message accepted')
      b.ws.send('x'.repeat(65 * 1024))
      assert.equal((await b.closed).code, 1009)
      const res = await fetch(`${app.url}/healthz`)
      assert.equal(res.status, 200, 'the server is unaffected')
    })
  })
}
