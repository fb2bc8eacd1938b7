import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { storedWithBody } from '../support/db-lookups.ts'
import { articleIds, clientIdOf, seqs } from '../support/html.ts'
import { HttpUser } from '../support/http.ts'

async function post(user: HttpUser, slug: string, body: string) {
  const page = await user.get(`/rooms/${slug}`)
  return user.post(`/rooms/${slug}/messages`, { body, client_id: clientIdOf(page.html) })
}

for (const backend of backends()) {
  describe(`messages over HTTP, without JavaScript [${backend.name}]`, { timeout: 90_000 }, () => {
    let app: TestApp
    let ann: HttpUser
    let ben: HttpUser
    before(async () => {
      app = await startTestApp(backend)
      ann = await HttpUser.signUp(app.url, 'ann')
      ben = await HttpUser.signUp(app.url, 'ben')
      await ann.post('/rooms', { name: 'History' })
      await ann.post('/rooms', { name: 'Quiet' })
    })
    after(() => app?.close())

    it('renders the room: a labelled log, and a composer that also works as a plain form', async () => {
      const html = (await ben.get('/rooms/general')).html
      assert.match(html, /<div id="messages" class="log" role="log" aria-label="Messages"/)
      assert.match(
        html,
        /<form id="composer" class="composer" action="\/rooms\/general\/messages" method="post"/,
      )
      assert.match(html, /<label for="composer-body" class="visually-hidden">Message<\/label>/)
      assert.match(html, /<button type="submit">Send<\/button>/)
      assert.match(html, /hx-ws:connect="\/rooms\/general\/ws" hx-swap="none"/)
      assert.match(html, /name="_csrf" value="[^"]+"/)
    })

    it('posts → 303 → the room page shows the message with its author and time', async () => {
      const res = await post(ann, 'general', 'Hello from a form')
      assert.equal(res.status, 303)
      assert.match(res.location ?? '', /^\/rooms\/general#message-\d+$/)
      const html = (await ben.get('/rooms/general')).html
      assert.match(
        html,
        /<span class="author">ann<\/span> <time datetime="[^"]+"[^>]*>\d\d:\d\d<\/time>[\s\S]*?<\/header>\s*<p class="body">Hello from a form<\/p>/,
      )
    })

    it('stores a re-posted form (same client_id) once', async () => {
      const page = await ann.get('/rooms/general')
      const form = { body: 'Only once please', client_id: clientIdOf(page.html) }
      const [a, b] = await Promise.all([
        ann.post('/rooms/general/messages', form),
        ann.post('/rooms/general/messages', form),
      ])
      const c = await ann.post('/rooms/general/messages', form)
      for (const res of [a, b, c]) assert.equal(res.status, 303)
      assert.equal(a.location, c.location)
      assert.equal(await storedWithBody(app, 'Only once please'), 1)
    })

    it('refuses empty and whitespace-only messages inline, storing nothing', async () => {
      const before = await app.store.db.selectFrom('messages').select('id').execute()
      for (const body of ['', '   \n\t  ']) {
        const res = await post(ann, 'general', body)
        assert.equal(res.status, 422)
        assert.match(
          res.html,
          /id="composer-error" class="field-error" role="alert">Write something first\.</,
        )
      }
      assert.equal((await app.store.db.selectFrom('messages').select('id').execute()).length, before.length)
    })

    it('refuses a message over 4,000 characters with an inline error, keeping the text', async () => {
      const long = `${'long text '.repeat(400)}!`
      const res = await post(ann, 'general', long)
      assert.equal(res.status, 422)
      assert.match(res.html, /at most 4,000 characters \(this one has 4,001\)/)
      assert.ok(res.html.includes(`>${long}</textarea>`), 'the text is kept in the composer')
      const ok = await post(ann, 'general', 'x'.repeat(4000))
      assert.equal(ok.status, 303)
    })

    it('keeps newlines, escapes markup and links URLs', async () => {
      await post(ann, 'general', '<script>alert(1)</script>\nline two https://example.org/path?a=1&b=2')
      const html = (await ben.get('/rooms/general')).html
      assert.ok(
        html.includes(
          '&lt;script&gt;alert(1)&lt;/script&gt;\nline two <a href="https://example.org/path?a=1&amp;b=2" rel="noopener nofollow ugc" target="_blank">',
        ),
      )
      assert.doesNotMatch(html, /<script>alert/)
    })

    it('shows the last 50 messages oldest first, and pages through history both ways', async () => {
      for (let i = 1; i <= 120; i++) await post(ben, 'history', `message number ${i}`)
      const latest = (await ann.get('/rooms/history')).html
      assert.deepEqual(seqs(latest), range(71, 120))
      const olderHref = /<a class="history-link older" href="([^"]+)"/.exec(latest)?.[1]
      assert.equal(olderHref, '/rooms/history?before=71')
      assert.doesNotMatch(latest, /Newer messages/)

      const older = (await ann.get(olderHref)).html
      assert.deepEqual(seqs(older), range(21, 70))
      assert.doesNotMatch(older, /hx-ws:connect/, 'a history page is not live')
      const newerHref = /<a class="history-link newer" href="([^"]+)">Newer messages<\/a>/.exec(older)?.[1]
      assert.equal(newerHref, '/rooms/history?after=70')

      const oldest = (await ann.get('/rooms/history?before=21')).html
      assert.deepEqual(seqs(oldest), range(1, 20))
      assert.doesNotMatch(oldest, /Older messages/)

      const newer = (await ann.get(newerHref)).html
      assert.deepEqual(seqs(newer), range(71, 120))
      assert.doesNotMatch(newer, /Newer messages/)
      assert.match(newer, /hx-ws:connect/, 'the newest page is live again')
    })

    it('serves a history page as an htmx fragment, and redirects plain browsers to the page', async () => {
      const frag = await ann.get('/rooms/history/messages?before=71', { 'HX-Request': 'true' })
      assert.equal(frag.status, 200)
      assert.doesNotMatch(frag.html, /<html/)
      assert.deepEqual(seqs(frag.html), range(21, 70))
      assert.match(
        frag.html,
        /hx-get="\/rooms\/history\/messages\?before=21" hx-target="this" hx-swap="outerHTML">Older messages</,
      )
      const plain = await ann.get('/rooms/history/messages?before=71')
      assert.equal(plain.status, 302)
      assert.equal(plain.location, '/rooms/history?before=71')
      const bad = await ann.get('/rooms/history/messages?before=banana', { 'HX-Request': 'true' })
      assert.equal(bad.status, 422)
    })

    it('keeps rooms apart', async () => {
      await post(ann, 'quiet', 'only in quiet')
      const general = (await ben.get('/rooms/general')).html
      assert.doesNotMatch(general, /only in quiet/)
      assert.equal(articleIds((await ben.get('/rooms/quiet')).html).length, 1)
    })

    it('refuses a post without the CSRF token, and from a signed-out visitor', async () => {
      const page = await ann.get('/rooms/general')
      const res = await ann.request('/rooms/general/messages', {
        form: { body: 'no token', client_id: clientIdOf(page.html) },
      })
      assert.equal(res.status, 403)
      const anon = new HttpUser(app.url)
      await anon.get('/login')
      const res2 = await anon.post('/rooms/general/messages', {
        body: 'anon',
        client_id: clientIdOf(page.html),
      })
      assert.equal(res2.status, 401)
      const rows = await app.store.db
        .selectFrom('messages')
        .select('id')
        .where('body', 'in', ['no token', 'anon'])
        .execute()
      assert.equal(rows.length, 0)
    })
  })
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}
