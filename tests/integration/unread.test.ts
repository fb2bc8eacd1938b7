import assert from 'node:assert/strict'
import { after, afterEach, before, describe, it } from 'node:test'
import { addMember, createRoom, say } from '../support/admin.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { roomId, storedMessages } from '../support/db-lookups.ts'
import { type Side, sideEntry } from '../support/html.ts'
import { HttpUser } from '../support/http.ts'
import { readySocket, sideUpdates, waitSide } from '../support/live.ts'
import type { TestSocket } from '../support/socket.ts'

const none: Side = { unread: 0, mentions: 0, mentioned: false, current: false }

for (const backend of backends()) {
  describe(`unread counts and mentions in the sidebar [${backend.name}]`, {
    timeout: 90_000,
  }, () => {
    let app: TestApp
    let root: HttpUser
    let ann: HttpUser
    let ben: HttpUser
    let general: number
    const sockets: TestSocket[] = []
    /** What `user`'s sidebar shows for `room` on the page of `on` (a fresh GET: exact, from the database). */
    const pageSide = async (user: HttpUser, room: number, on = 'general') => {
      const page = await user.get(`/rooms/${on}`)
      assert.equal(page.status, 200)
      return sideEntry(page.html, room)
    }
    before(async () => {
      app = await startTestApp(backend)
      root = await HttpUser.signUp(app.url, 'root')
      ann = await HttpUser.signUp(app.url, 'ann')
      ben = await HttpUser.signUp(app.url, 'ben')
      general = await roomId(app, 'general')
      await say(root, 'general', 'welcome')
    })
    afterEach(() => {
      for (const s of sockets.splice(0)) s.ws.terminate()
    })
    after(() => app?.close())

    it('shows exact counts on the page: messages by others, not deleted, since the last read; opening the room reads it', async () => {
      const beta = await createRoom(root, { name: 'Beta' })
      await say(ben, 'beta', 'one')
      await say(ben, 'beta', 'two')
      const gone = await say(ben, 'beta', 'three, deleted')
      assert.equal((await ben.post(`/messages/${gone}/delete`, {})).status, 303)
      await say(ann, 'beta', 'ann’s own message does not count for her')
      assert.deepEqual(await pageSide(ann, beta), { ...none, unread: 2 })
      assert.deepEqual(await pageSide(ben, beta), { ...none, unread: 1 }, 'ben: ann’s message only')
      assert.deepEqual(await pageSide(ann, general), { ...none, current: true }, 'the current room: no badge')
      const cat = await HttpUser.signUp(app.url, 'cat')
      assert.deepEqual(await pageSide(cat, beta), none, 'a newcomer starts with every room read')
      // Opening a room's newest page is reading it.
      assert.deepEqual(await pageSide(ann, beta, 'beta'), { ...none, current: true })
      assert.deepEqual(await pageSide(ann, beta), none)
      assert.deepEqual(await pageSide(ben, beta), { ...none, unread: 1 }, 'ann reading does not read for ben')
    })

    it('lists private rooms to their members and the admins only, with their counts', async () => {
      const secret = await createRoom(root, { name: 'Backroom', private: true })
      await addMember(root, secret, 'ann')
      await say(ann, 'backroom', 'members only')
      assert.deepEqual(await pageSide(root, secret), { ...none, unread: 1 })
      assert.equal(await pageSide(ben, secret), undefined, 'not in the sidebar of a non-member')
      assert.doesNotMatch((await ben.get('/rooms/general')).html, /backroom|Backroom/)
    })

    it('marks a room when unread messages mention you: "@name", whole word, any case, like the highlighting', async () => {
      const room = await createRoom(root, { name: 'Pings' })
      // [message, whether it mentions ann]: the renderer highlights exactly these (<span class="mention" data-user="ann">).
      const cases: Array<[string, boolean]> = [
        ['hello @ANN', true],
        ['@annie is someone else', false],
        ['mail ann@example.org', false],
        ['(@ann) in brackets', true],
        ['@ann, @ann and @ann again: one message', true],
        ['no mention here', false],
      ]
      let unread = 0
      let mentions = 0
      for (const [body, mentionsAnn] of cases) {
        const id = await say(ben, 'pings', body)
        const shown = await ben.get(`/messages/${id}`, { 'HX-Request': 'true' })
        assert.equal(shown.html.includes('data-user="ann"'), mentionsAnn, `highlighting of "${body}"`)
        unread++
        if (mentionsAnn) mentions++
        assert.deepEqual(
          await pageSide(ann, room),
          { unread, mentions, mentioned: mentions > 0, current: false },
          `after "${body}"`,
        )
      }
      await say(ann, 'pings', 'I mention myself: @ann')
      assert.equal(
        (await pageSide(ann, room))?.mentions,
        mentions,
        'a mention in your own message is not one',
      )
      assert.deepEqual(await pageSide(ben, room), { ...none, unread: 1 }, 'nobody else is marked')
    })

    it('sends a page its exact counts when its socket resumes, then keeps them live once a second', async () => {
      const room = await createRoom(root, { name: 'Live' })
      await say(ben, 'live', 'before the socket')
      const a = await readySocket(ann, 'general', sockets)
      const b = await readySocket(ben, 'general', sockets)
      assert.deepEqual(latest(a, room), { ...none, unread: 1 }, 'the resume frame: as the page would show')
      assert.deepEqual(latest(b, room), none)
      assert.deepEqual(sideUpdates(a, general), [], 'nothing about the room the page is in')
      const before = await storedMessages(app)
      await say(ben, 'live', 'second')
      await say(ben, 'live', 'third')
      await waitSide(a, room, { unread: 3, mentioned: false }, 'ann: two more in Live')
      await say(ben, 'live', 'hi @ann')
      await waitSide(a, room, { unread: 4, mentions: 1, mentioned: true }, 'ann: a mention')
      assert.deepEqual(await pageSide(ann, room), latest(a, room), 'live and page agree')
      // Ben's own messages never raise his badge; ann's do.
      await say(ann, 'live', 'from ann')
      await waitSide(b, room, { unread: 1 }, 'ben: ann’s message')
      assert.ok(
        sideUpdates(b, room).every((s) => s.unread <= 1),
        `ben's own messages are not unread for him: ${JSON.stringify(sideUpdates(b, room))}`,
      )
      // Messages in the room the page is in are on the page: no badge for it, ever.
      await say(ben, 'general', 'in ann’s current room')
      await say(ben, 'live', 'fifth')
      await waitSide(a, room, { unread: 5 }, 'ann: one more in Live')
      assert.deepEqual(sideUpdates(a, general), [], 'no entry for the current room')
      assert.equal(await storedMessages(app), before + 6)
    })

    it('never sends a badge for a room the page does not list (a private room of others)', async () => {
      const secret = await createRoom(root, { name: 'Vault', private: true })
      const open = await createRoom(root, { name: 'Square' })
      const b = await readySocket(ben, 'general', sockets)
      await say(root, 'vault', 'secret @ben')
      await say(root, 'square', 'after the secret one')
      await waitSide(b, open, { unread: 1 }, 'ben: Square')
      assert.deepEqual(sideUpdates(b, secret), [], 'nothing at all about the private room')
    })

    it('does not mark a room red live for a mention in your own message (the page does not either)', async () => {
      const room = await createRoom(root, { name: 'Selfie' })
      const a = await readySocket(ann, 'general', sockets)
      await say(ann, 'selfie', 'note to self @ann')
      await say(ben, 'selfie', 'something plain')
      await waitSide(a, room, { unread: 1 }, 'ann: ben’s message')
      assert.deepEqual(await pageSide(ann, room), { ...none, unread: 1 }, 'the page: one unread, no mention')
      assert.deepEqual(latest(a, room), { ...none, unread: 1 }, 'live: the same')
    })

    it('counts a sentence-final "@ann." as a mention on the page, as the highlighting and the live badge do', async () => {
      const room = await createRoom(root, { name: 'Dots' })
      const a = await readySocket(ann, 'general', sockets)
      const id = await say(ben, 'dots', 'see you tomorrow @ann.')
      const shown = await ben.get(`/messages/${id}`, { 'HX-Request': 'true' })
      assert.match(
        shown.html,
        /<span class="mention" data-user="ann">@ann<\/span>\./,
        'highlighted as a mention',
      )
      await waitSide(a, room, { unread: 1 }, 'ann: ben’s message')
      assert.deepEqual(latest(a, room), { unread: 1, mentions: 1, mentioned: true, current: false }, 'live')
      assert.deepEqual(await pageSide(ann, room), latest(a, room), 'the page agrees with the live badge')
    })
  })
}

function latest(socket: TestSocket, room: number): Side | undefined {
  return sideUpdates(socket, room).at(-1)
}
