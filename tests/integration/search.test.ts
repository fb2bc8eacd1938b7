import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { addMember, createRoom, say } from '../support/admin.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { messageRow, userId } from '../support/db-lookups.ts'
import { HttpUser } from '../support/http.ts'

interface Hit {
  href: string
  room: string
  author: string
  body: string
}

/** The results of a search page, in order. */
function hits(html: string): Hit[] {
  return [
    ...html.matchAll(
      /<li class="hit"><a href="([^"]+)"><span class="hit-room">#([^<]*)<\/span> <span class="author">([^<]*)<\/span>[\s\S]*?<p class="body">([\s\S]*?)<\/p><\/li>/g,
    ),
  ].map((m) => ({ href: m[1] as string, room: m[2] as string, author: m[3] as string, body: m[4] as string }))
}

for (const backend of backends()) {
  describe(`search [${backend.name}]`, { timeout: 60_000 }, () => {
    let app: TestApp
    let root: HttpUser
    let ann: HttpUser
    let ben: HttpUser
    const search = async (user: HttpUser, q: string) => {
      const page = await user.get(`/search?q=${encodeURIComponent(q)}`)
      assert.equal(page.status, 200, `search for ${q}: ${page.html.slice(0, 200)}`)
      return hits(page.html)
    }
    const bodies = async (user: HttpUser, q: string) => (await search(user, q)).map((h) => h.body)
    before(async () => {
      app = await startTestApp(backend)
      root = await HttpUser.signUp(app.url, 'root')
      ann = await HttpUser.signUp(app.url, 'ann')
      ben = await HttpUser.signUp(app.url, 'ben')
    })
    after(() => app?.close())

    it('finds messages only in rooms the viewer can read: never a private room’s for a non-member', async () => {
      const vault = await createRoom(root, { name: 'Vault', private: true })
      await addMember(root, vault, 'ann')
      await createRoom(root, { name: 'Pond' })
      const inGeneral = await say(ben, 'general', 'the zebrafish migrate at dawn')
      await say(root, 'pond', 'Zebrafish! everywhere')
      const secret = await say(ann, 'vault', 'zebrafish budget is secret')
      const page = await ben.get('/search?q=zebrafish')
      assert.match(page.html, /2 messages, newest first\./)
      assert.deepEqual(
        hits(page.html).map((h) => [h.room, h.author, h.body]),
        [
          ['Pond', 'root', '<mark>Zebrafish</mark>! everywhere'],
          ['general', 'ben', 'the <mark>zebrafish</mark> migrate at dawn'],
        ],
        'newest first, matches marked',
      )
      assert.doesNotMatch(page.html, /budget|Vault|vault/, 'no trace of the private room')
      const { seq } = await messageRow(app, inGeneral)
      assert.equal(hits(page.html)[1]?.href, `/rooms/general?around=${seq}#message-${inGeneral}`)
      // Its member and the admins find it too.
      for (const user of [ann, root])
        assert.deepEqual(
          (await search(user, 'zebrafish')).map((h) => h.room),
          ['Vault', 'Pond', 'general'],
        )
      // The link opens the room at that message.
      const around = await ann.get(hits(page.html)[1]?.href.replace(/#.*/, '') as string)
      assert.equal(around.status, 200)
      assert.match(around.html, new RegExp(`<article class="message" id="message-${inGeneral}"`))
      // Out of the room, out of the results.
      const res = await root.post(`/admin/rooms/${vault}/members/${await userId(app, 'ann')}/remove`, {})
      assert.equal(res.status, 303)
      assert.deepEqual(
        (await search(ann, 'zebrafish')).map((h) => h.room),
        ['Pond', 'general'],
      )
      assert.equal((await ann.get(`/messages/${secret}`, { 'HX-Request': 'true' })).status, 404)
    })

    it('does not find deleted messages, nor the words an edit took out', async () => {
      const gone = await say(ben, 'general', 'quokka picnic')
      const edited = await say(ben, 'general', 'a wombat passes')
      assert.equal((await search(ann, 'quokka')).length, 1)
      assert.equal((await ben.post(`/messages/${gone}/delete`, {})).status, 303)
      assert.equal((await ben.post(`/messages/${edited}/edit`, { body: 'a numbat passes' })).status, 303)
      assert.deepEqual(await bodies(ann, 'quokka'), [])
      assert.deepEqual(await bodies(ann, 'wombat'), [])
      assert.deepEqual(await bodies(ann, 'numbat'), ['a <mark>numbat</mark> passes'])
    })

    it('understands quotes, "or" and -word, and shows message text escaped', async () => {
      await createRoom(root, { name: 'Orchard' })
      for (const body of ['red apple pie', 'green apple tart', 'red cherry', '<b>apple</b> & co'])
        await say(ben, 'orchard', body)
      assert.deepEqual(await bodies(ann, '"apple pie"'), ['red <mark>apple</mark> <mark>pie</mark>'])
      assert.deepEqual((await bodies(ann, 'apple -red')).length, 2)
      assert.deepEqual(await bodies(ann, 'cherry or tart'), [
        'red <mark>cherry</mark>',
        'green apple <mark>tart</mark>',
      ])
      assert.deepEqual(await bodies(ann, 'co'), ['&lt;b&gt;apple&lt;/b&gt; &amp; <mark>co</mark>'])
      for (const odd of ['a:b & | !', "'", '(', '-', '""', '<script>'])
        assert.ok(Array.isArray(await search(ann, odd)), `no error for ${odd}`)
      const page = await ann.get(`/search?q=${encodeURIComponent('<script>x')}`)
      assert.doesNotMatch(page.html, /<script>x/, 'the query is escaped where it is shown')
      assert.match(page.html, /value="&lt;script&gt;x"/)
    })

    it('shows the newest 50 matches, newest first', async () => {
      await createRoom(root, { name: 'Many' })
      for (let i = 1; i <= 55; i++) await say(ben, 'many', `needle ${i}`)
      const found = await bodies(ann, 'needle')
      assert.equal(found.length, 50)
      assert.equal(found[0], '<mark>needle</mark> 55')
      assert.equal(found[49], '<mark>needle</mark> 6')
    })

    it('refuses a query over 200 characters (422); an empty one finds nothing; signed out, there is no search', async () => {
      const long = await ann.get(`/search?q=${'x'.repeat(201)}`)
      assert.equal(long.status, 422)
      assert.match(long.html, /id="q-error"[^>]*>Use at most 200 characters\./)
      assert.deepEqual(hits(long.html), [])
      assert.equal((await ann.get(`/search?q=${'x'.repeat(200)}`)).status, 200)
      for (const q of ['', '%20%20'])
        assert.doesNotMatch((await ann.get(`/search?q=${q}`)).html, /No messages found|class="hit"/)
      assert.match((await ann.get('/search?q=nothingmatchesthis')).html, /No messages found\./)
      const outsider = await new HttpUser(app.url).get('/search?q=zebrafish')
      assert.equal(outsider.status, 302)
      assert.match(outsider.location ?? '', /^\/login\b/)
    })
  })
}
