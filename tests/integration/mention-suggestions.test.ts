import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { addMember, createRoom } from '../support/admin.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { userId } from '../support/db-lookups.ts'
import { HttpUser } from '../support/http.ts'

const HX = { 'HX-Request': 'true' }

/** The names a suggestion list offers, in order. */
function offered(html: string): string[] {
  return [
    ...html.matchAll(/<button type="button" class="link" data-mention="([^"]*)">@([^<]*)<\/button>/g),
  ].map((m) => {
    assert.equal(m[1], m[2], 'the button says the name it inserts')
    return m[1] as string
  })
}

for (const backend of backends()) {
  describe(`@mention suggestions [${backend.name}]`, { timeout: 60_000 }, () => {
    let app: TestApp
    let root: HttpUser
    let ann: HttpUser
    let ben: HttpUser
    const suggest = async (user: HttpUser, slug: string, body: string) => {
      const res = await user.get(`/rooms/${slug}/mentions?body=${encodeURIComponent(body)}`, HX)
      assert.equal(res.status, 200, `suggestions for "${body}"`)
      return res
    }
    const names = async (user: HttpUser, slug: string, body: string) =>
      offered((await suggest(user, slug, body)).html)
    before(async () => {
      app = await startTestApp(backend)
      root = await HttpUser.signUp(app.url, 'root')
      ann = await HttpUser.signUp(app.url, 'ann')
      ben = await HttpUser.signUp(app.url, 'ben')
      for (const name of ['Annabel', 'a_b', 'axb', 'gone']) await HttpUser.signUp(app.url, name)
      const gone = await userId(app, 'gone')
      assert.equal((await root.post(`/admin/people/${gone}/deactivate`, {})).status, 303)
    })
    after(() => app?.close())

    it('suggests people whose name starts with the draft’s trailing "@prefix", any case, as buttons', async () => {
      const res = await suggest(ben, 'general', 'hello @an')
      assert.match(
        res.html,
        /^<ul class="mention-list" aria-label="Mention someone"><li><button type="button" class="link" data-mention="ann">@ann<\/button><\/li>/,
      )
      assert.deepEqual(offered(res.html), ['ann', 'Annabel'])
      assert.deepEqual(await names(ben, 'general', '@ANNA'), ['Annabel'])
      assert.deepEqual(await names(ben, 'general', 'ping @ann'), ['ann', 'Annabel'], 'the whole name too')
      assert.deepEqual(await names(ben, 'general', 'a\n@b'), ['ben'], 'after a line break')
      assert.deepEqual(await names(ben, 'general', '@go'), [], 'nobody deactivated')
      assert.equal((await names(ben, 'general', '@')).length, 6, 'a bare "@": the first six')
    })

    it('treats "_" in the prefix as itself, not as a pattern', async () => {
      assert.deepEqual(await names(ann, 'general', '@a_'), ['a_b'], 'not axb')
      assert.deepEqual(await names(ann, 'general', '@A_B'), ['a_b'])
    })

    it('offers nothing unless the draft ends in an "@prefix"', async () => {
      for (const body of ['', 'hello', 'hello @ann ', 'mail ann@an', '@ann, hi', 'x'.repeat(50)]) {
        const res = await suggest(ann, 'general', body)
        assert.equal(res.html.trim(), '', `nothing for ${JSON.stringify(body)}`)
      }
      const missing = await ann.get('/rooms/general/mentions', HX)
      assert.equal(missing.status, 200)
      assert.equal(missing.html.trim(), '', 'no draft at all')
    })

    it('offers only the people who can read a private room, and is a 404 for anyone else', async () => {
      const id = await createRoom(root, { name: 'Hideout', private: true })
      await addMember(root, id, 'ann')
      assert.deepEqual(await names(ann, 'hideout', '@'), ['ann', 'root'], 'its member and the admin')
      assert.deepEqual(await names(root, 'hideout', 'hey @b'), [], 'ben cannot read it: not offered')
      const outsider = await ben.get('/rooms/hideout/mentions?body=%40a', HX)
      assert.equal(outsider.status, 404)
      assert.doesNotMatch(outsider.html, /data-mention/)
      assert.equal((await ben.get('/rooms/no-such-room/mentions?body=%40a', HX)).status, 404)
      const signedOut = await new HttpUser(app.url).get('/rooms/general/mentions?body=%40a', HX)
      assert.notEqual(signedOut.status, 200)
      assert.doesNotMatch(signedOut.html, /data-mention/)
    })
  })
}
