import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import pg from 'pg'
import { storedKey } from '../../src/chat/send-key.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends, NEEDS_SERVICES, servicesBackend } from '../support/backends.ts'
import { storedWithBody } from '../support/db-lookups.ts'
import { HttpUser } from '../support/http.ts'
import {
  isAnswer,
  isStored,
  openSocket,
  pushedBodies,
  pushedSeqs,
  type TestSocket,
} from '../support/socket.ts'
import { TcpProxy } from '../support/tcp-proxy.ts'

/** The answers a socket got for one key, in order. */
const answersTo = (s: TestSocket, key: string) =>
  s.frames.filter((f) => isAnswer(f) && f.startsWith(`<hx-partial hx-target="#send-${key}"`))
const storedAnswers = (s: TestSocket, key: string) => answersTo(s, key).filter(isStored)
const pushedOf = (s: TestSocket, body: string) =>
  [...pushedBodies(s).values()].filter((b) => b === body).length
const messageIdOf = (answer: string) => /data-message="message-(\d+)"/.exec(answer)?.[1]

/** A key is one send's: a retry only for the same author and text; never dropped, never someone else's. */
for (const backend of backends()) {
  describe(`a key per send [${backend.name}]`, { timeout: 90_000 }, () => {
    let app: TestApp
    let ann: HttpUser
    let ben: HttpUser
    const open: TestSocket[] = []
    const socket = async (user: HttpUser) => {
      const s = await openSocket(user, 'general')
      open.push(s)
      return s
    }
    const send = (s: TestSocket, user: HttpUser, key: string, body: string) =>
      s.sendMessage({ body, client_id: key, _csrf: user.csrf })
    const authorsOf = async (body: string) =>
      (
        await app.store.db
          .selectFrom('messages')
          .innerJoin('users', 'users.id', 'messages.author_id')
          .select('users.username')
          .where('messages.body', '=', body)
          .orderBy('messages.seq')
          .execute()
      ).map((r) => r.username)

    before(async () => {
      app = await startTestApp(backend)
      ann = await HttpUser.signUp(app.url, 'ann')
      ben = await HttpUser.signUp(app.url, 'ben')
    })
    after(async () => {
      for (const s of open) s.ws.terminate()
      await app?.close()
    })

    it('same key, same text: one message, and every try is answered "stored"', async () => {
      const [a, b] = [await socket(ann), await socket(ben)]
      const key = randomUUID()
      send(a, ann, key, 'said once')
      send(a, ann, key, 'said once')
      await a.waitFor(() => storedAnswers(a, key).length === 2, 'two answers')
      send(a, ann, key, 'said once')
      await a.waitFor(() => storedAnswers(a, key).length === 3, 'the third answer')
      send(b, ben, randomUUID(), 'after the retries')
      await b.waitFor(() => pushedOf(b, 'after the retries') === 1, 'a later message')
      assert.equal(await storedWithBody(app, 'said once'), 1)
      assert.equal(pushedOf(b, 'said once'), 1, 'shown once to another reader')
      assert.equal(pushedOf(a, 'said once'), 1, 'shown once to the sender')
      assert.equal(new Set(storedAnswers(a, key).map(messageIdOf)).size, 1, 'the same message each time')
    })

    it('same key, another text: a new message, never dropped; a retry of either is still one', async () => {
      const [a, b] = [await socket(ann), await socket(ben)]
      const key = randomUUID()
      send(a, ann, key, 'reused key, first text')
      send(a, ann, key, 'reused key, second text')
      send(a, ann, key, 'reused key, first text')
      await a.waitFor(() => storedAnswers(a, key).length === 3, 'three answers')
      await b.waitFor(() => pushedOf(b, 'reused key, second text') === 1, 'the second text')
      assert.equal(await storedWithBody(app, 'reused key, first text'), 1)
      assert.equal(await storedWithBody(app, 'reused key, second text'), 1)
      const [first, second, retry] = storedAnswers(a, key).map(messageIdOf)
      assert.notEqual(first, second, 'two messages')
      assert.equal(retry, first, 'the retry is the first message')
      assert.equal(pushedOf(b, 'reused key, first text'), 1)
    })

    it("another person's key gets their own message, and never theirs", async () => {
      const [a, b] = [await socket(ann), await socket(ben)]
      const key = randomUUID()
      send(a, ann, key, 'whose key is it')
      await a.waitFor(() => storedAnswers(a, key).length === 1, "ann's answer")
      send(b, ben, key, 'whose key is it')
      send(b, ben, key, 'and another text')
      await b.waitFor(() => storedAnswers(b, key).length === 2, "ben's answers")
      assert.deepEqual(await authorsOf('whose key is it'), ['ann', 'ben'])
      assert.deepEqual(await authorsOf('and another text'), ['ben'])
      const annsId = messageIdOf(storedAnswers(a, key)[0] ?? '')
      assert.ok(!storedAnswers(b, key).some((f) => messageIdOf(f) === annsId), "ben is never given ann's")
      await a.waitFor(() => pushedOf(a, 'and another text') === 1, "ben's messages reach ann")
      assert.equal(pushedOf(a, 'whose key is it'), 2, 'two messages, each shown once')
    })

    it('holds in grouped writes: quick sends with a reused key, among others, each stored as the rule says', async () => {
      const [a, b] = [await socket(ann), await socket(ben)]
      const key = randomUUID()
      const others = Array.from({ length: 30 }, (_, i) => `grouped ${i}`)
      for (const [i, body] of others.entries()) {
        send(a, ann, randomUUID(), body)
        if (i === 10) send(a, ann, key, 'grouped X')
        if (i === 11) send(a, ann, key, 'grouped Y')
        if (i === 12) send(a, ann, key, 'grouped X')
      }
      await a.waitFor((f) => f.filter(isStored).length >= 33, 'every answer "stored"', 15_000)
      await b.waitFor(() => pushedOf(b, 'grouped 29') === 1, 'the last message')
      for (const body of [...others, 'grouped X', 'grouped Y'])
        assert.equal(await storedWithBody(app, body), 1, `"${body}" stored once`)
      const bodies = [...pushedBodies(b).values()].filter((t) => t.startsWith('grouped '))
      const order = [...others.slice(0, 11), 'grouped X', 'grouped 11', 'grouped Y', ...others.slice(12)]
      assert.deepEqual(bodies, order, 'in the order sent, each once')
    })

    it('a retry of a message stored but never announced is answered and shown, once, to every page', async () => {
      const [a, b] = [await socket(ann), await socket(ben)]
      const key = randomUUID()
      const body = 'committed, then the answer was lost'
      // What a commit whose answer never came leaves: the row, stored under the send's key, and no frame.
      const annId = (
        await app.store.db
          .selectFrom('users')
          .select('id')
          .where('username', '=', 'ann')
          .executeTakeFirstOrThrow()
      ).id
      await sql`
        WITH r AS (UPDATE rooms SET last_seq = last_seq + 1 WHERE slug = 'general' RETURNING id, last_seq)
        INSERT INTO messages (room_id, seq, author_id, body, client_id)
        SELECT id, last_seq, ${annId}, ${body}, ${storedKey(annId, key, body)} FROM r`.execute(app.store.db)
      send(a, ann, key, body)
      await a.waitFor(() => storedAnswers(a, key).length === 1, 'the answer "stored"')
      for (const s of [a, b]) await s.waitFor(() => pushedOf(s, body) === 1, 'the message shown')
      send(a, ann, key, body)
      await a.waitFor(() => storedAnswers(a, key).length === 2, 'the answer to a second retry')
      send(b, ben, randomUUID(), 'and life goes on')
      for (const s of [a, b]) await s.waitFor(() => pushedOf(s, 'and life goes on') === 1, 'a later message')
      assert.equal(await storedWithBody(app, body), 1)
      for (const s of [a, b]) {
        assert.equal(pushedOf(s, body), 1, 'shown once')
        const seqs = pushedSeqs(s)
        assert.equal(new Set(seqs).size, seqs.length, 'no seq pushed twice')
      }
    })
  })
}

const services = servicesBackend()

describe('a send whose commit answer is lost [postgres+redis]', {
  timeout: 90_000,
  skip: services ? false : NEEDS_SERVICES,
}, () => {
  let app: TestApp | undefined
  let proxy: TcpProxy | undefined
  let direct: pg.Client | undefined
  after(async () => {
    await app?.close()
    await proxy?.stop()
    await direct?.end()
  })

  it('says "not confirmed yet", not "not sent"; the retry with the same key finds it stored once and shows it', async (t) => {
    const url = new URL((services as NonNullable<typeof services>).databaseUrl as string)
    proxy = new TcpProxy(url.hostname, Number(url.port || 5432))
    const via = new URL(url)
    via.port = String(await proxy.start())
    app = await startTestApp(services as NonNullable<typeof services>, { DATABASE_URL: via.toString() })
    direct = new pg.Client({ connectionString: url.toString() })
    await direct.connect()
    const schema = app.env.DATABASE_SCHEMA as string
    const storedRows = async (body: string) =>
      (await (direct as pg.Client).query(`SELECT id FROM ${schema}.messages WHERE body = $1`, [body]))
        .rowCount
    const ann = await HttpUser.signUp(app.url, 'ann')
    const s = await openSocket(ann, 'general')
    const key = randomUUID()
    const body = 'stored while its answer was lost'
    // Warm up: the socket has caught up, and the pool holds a connection.
    s.sendMessage({ body: 'before the fault', client_id: randomUUID(), _csrf: ann.csrf })
    await s.waitFor((f) => f.some(isStored), 'the first message stored')

    proxy.dropReplies()
    s.sendMessage({ body, client_id: key, _csrf: ann.csrf })
    const deadline = Date.now() + 10_000
    while ((await storedRows(body)) !== 1) {
      assert.ok(Date.now() < deadline, 'the INSERT reached Postgres and committed')
      await new Promise((r) => setTimeout(r, 50))
    }
    await proxy.cut()
    await s.waitFor(() => answersTo(s, key).length === 1, 'the answer to the lost commit')
    const answer = answersTo(s, key)[0] ?? ''
    assert.match(answer, /class="send retry"/, 'the page keeps it as "sending…" and sends it again')
    assert.match(answer, /Not confirmed yet/)
    assert.doesNotMatch(answer, /not sent/i)
    assert.match(answer, /<span class="body">stored while its answer was lost<\/span>/)

    await proxy.restore()
    // What the page does: the same key and text again, until it is answered.
    for (let tries = 0; storedAnswers(s, key).length === 0; tries++) {
      assert.ok(tries < 20, 'answered "stored" within 20 tries')
      s.sendMessage({ body, client_id: key, _csrf: ann.csrf })
      await s.waitFor(() => answersTo(s, key).length > tries + 1, `the answer to retry ${tries + 1}`, 10_000)
    }
    await s.waitFor(() => pushedOf(s, body) === 1, 'the message shown')
    assert.equal(await storedRows(body), 1, 'stored exactly once')
    assert.deepEqual(pushedSeqs(s), [1, 2], 'shown once, in order')
    t.diagnostic(
      'commit reached Postgres, its reply was lost and the link cut: "not confirmed yet"; retry: stored once, shown once',
    )
  })

  it('without JavaScript, a post whose commit answer is lost says "not confirmed yet" and its "Send again" stores it once', async () => {
    const current = app as TestApp
    const link = proxy as TcpProxy
    const schema = current.env.DATABASE_SCHEMA as string
    const storedRows = async (body: string) =>
      (await (direct as pg.Client).query(`SELECT id FROM ${schema}.messages WHERE body = $1`, [body]))
        .rowCount
    const bo = await HttpUser.signUp(current.url, 'bo')
    const room = await bo.get('/rooms/general')
    const key = /name="client_id" value="([^"]+)"/.exec(room.html)?.[1] ?? ''
    assert.ok(key, 'the no-JS composer carries a server-issued key')
    const body = 'posted without JavaScript while the answer was lost'
    // Warm the pool so the insert goes out on a connection that is open now.
    assert.equal(
      (await bo.post('/rooms/general/messages', { body: 'warm', client_id: randomUUID() })).status,
      303,
    )
    link.dropRepliesAfter('insert into')
    const posting = bo.post('/rooms/general/messages', { body, client_id: key })
    const deadline = Date.now() + 10_000
    while ((await storedRows(body)) !== 1) {
      assert.ok(Date.now() < deadline, 'the INSERT reached Postgres and committed')
      await new Promise((r) => setTimeout(r, 50))
    }
    await link.cut()
    const page = await posting
    assert.equal(page.status, 503)
    assert.match(page.html, /not confirmed yet/)
    assert.doesNotMatch(page.html, /was not sent|nothing was saved/)
    assert.match(page.html, new RegExp(`name="client_id" value="${key}"`), 'Send again keeps the key')
    await link.restore()
    let again = await bo.post('/rooms/general/messages', { body, client_id: key })
    for (let tries = 0; again.status !== 303; tries++) {
      assert.ok(tries < 20, `Send again is answered 303 (got ${again.status})`)
      await new Promise((r) => setTimeout(r, 250))
      again = await bo.post('/rooms/general/messages', { body, client_id: key })
    }
    assert.equal(await storedRows(body), 1, 'stored exactly once')
  })
})
