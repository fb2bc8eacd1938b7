import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { HttpUser } from '../support/http.ts'

for (const backend of backends()) {
  describe(`rooms [${backend.name}]`, { timeout: 60_000 }, () => {
    let app: TestApp
    let admin: HttpUser
    let member: HttpUser
    before(async () => {
      app = await startTestApp(backend)
      admin = await HttpUser.signUp(app.url, 'admin')
      member = await HttpUser.signUp(app.url, 'member')
    })
    after(() => app?.close())

    it('lists the rooms with name, topic and link; a fresh install has general', async () => {
      const html = (await member.get('/')).html
      assert.match(
        html,
        /<a href="\/rooms\/general"><span aria-hidden="true">#<\/span>general<\/a> <span class="topic">Say hello<\/span>/,
      )
      assert.doesNotMatch(html, /Create a room/, 'members get no create form')
    })

    it('lets an admin create a room, whose slug comes from its name', async () => {
      assert.match((await admin.get('/')).html, /Create a room/)
      const res = await admin.post('/rooms', { name: '  Release   Planning ', topic: 'Ship it' })
      assert.equal(res.status, 303)
      assert.equal(res.location, '/rooms/release-planning')
      const page = await member.get('/rooms/release-planning')
      assert.equal(page.status, 200)
      assert.match(page.html, /<h1><span aria-hidden="true">#<\/span>Release Planning<\/h1>/)
      assert.match((await member.get('/')).html, /href="\/rooms\/release-planning"/)
    })

    it('refuses a member creating a room (403), and stores nothing', async () => {
      const res = await member.post('/rooms', { name: 'Sneaky' })
      assert.equal(res.status, 403)
      const row = await app.store.db
        .selectFrom('rooms')
        .select('id')
        .where('slug', '=', 'sneaky')
        .executeTakeFirst()
      assert.equal(row, undefined)
    })

    it('shows inline errors for a bad or duplicate room name, keeping the input', async () => {
      let res = await admin.post('/rooms', { name: '   ', topic: 'kept topic' })
      assert.equal(res.status, 422)
      assert.match(res.html, /id="error-name"[^>]*>Use 1 to 60 characters/)
      assert.match(res.html, /value="kept topic"/)
      res = await admin.post('/rooms', { name: 'GENERAL' })
      assert.equal(res.status, 422)
      assert.match(res.html, /The address \/rooms\/general is taken/)
    })

    it('escapes room names and topics', async () => {
      await admin.post('/rooms', { name: '<img src=x onerror=alert(1)>', topic: '<script>alert(2)</script>' })
      const html = (await member.get('/')).html
      assert.doesNotMatch(html, /<img src=x/)
      assert.doesNotMatch(html, /<script>alert/)
      assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/)
    })

    it('sends signed-out visitors to sign in, and back afterwards', async () => {
      const v = new HttpUser(app.url)
      const res = await v.get('/rooms/general')
      assert.equal(res.status, 302)
      assert.equal(res.location, '/login?next=%2Frooms%2Fgeneral')
      await v.get(res.location)
      assert.match((await v.get(res.location)).html, /name="next" value="\/rooms\/general"/)
    })

    it('answers 404 for an unknown room', async () => {
      const res = await member.get('/rooms/no-such-room')
      assert.equal(res.status, 404)
      assert.match(res.html, /That room does not exist/)
    })

    it('reports health', async () => {
      const res = await fetch(`${app.url}/healthz`)
      assert.equal(res.status, 200)
      assert.deepEqual(await res.json(), { status: 'ok', db: true, bus: true })
    })
  })
}
