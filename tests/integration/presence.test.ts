import assert from 'node:assert/strict'
import { after, afterEach, before, describe, it } from 'node:test'
import { addMember, closedWithin, createRoom, say } from '../support/admin.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { HttpUser } from '../support/http.ts'
import { presenceLists, readySocket, waitPresence } from '../support/live.ts'
import type { TestSocket } from '../support/socket.ts'

for (const backend of backends()) {
  describe(`who's here [${backend.name}]`, { timeout: 60_000 }, () => {
    let app: TestApp
    let root: HttpUser
    let ann: HttpUser
    let ben: HttpUser
    let cat: HttpUser
    const sockets: TestSocket[] = []
    before(async () => {
      app = await startTestApp(backend)
      root = await HttpUser.signUp(app.url, 'root')
      ann = await HttpUser.signUp(app.url, 'ann')
      ben = await HttpUser.signUp(app.url, 'ben')
      cat = await HttpUser.signUp(app.url, 'cat')
    })
    afterEach(() => {
      for (const s of sockets.splice(0)) s.ws.terminate()
    })
    after(() => app?.close())

    it('lists everyone with the room open, each once, by name; people go when their last page closes', async () => {
      await createRoom(root, { name: 'Lounge' })
      const elsewhere = await readySocket(cat, 'general', sockets)
      const a1 = await readySocket(ann, 'lounge', sockets)
      await waitPresence(a1, ['ann'], 'ann alone')
      const b = await readySocket(ben, 'lounge', sockets)
      await waitPresence(a1, ['ann', 'ben'], 'ben joins, for ann')
      await waitPresence(b, ['ann', 'ben'], 'ben joins, for ben')
      const a2 = await readySocket(ann, 'lounge', sockets)
      assert.deepEqual(presenceLists(a2), [['ann', 'ben']], 'a new page is told who is here when it resumes')
      await b.close()
      await waitPresence(a1, ['ann'], 'ben left, for ann')
      await waitPresence(a2, ['ann'], 'ben left, for ann’s other page')
      await a1.close()
      await waitPresence(await readySocket(cat, 'lounge', sockets), ['ann', 'cat'], 'ann is still here')
      await waitPresence(a2, ['ann', 'cat'], 'cat joins')
      for (const list of presenceLists(a2)) assert.equal(new Set(list).size, list.length, 'each name once')
      assert.ok(
        presenceLists(elsewhere).every((list) => list.join() === 'cat' || list.length === 0),
        `general's page hears only of general: ${JSON.stringify(presenceLists(elsewhere))}`,
      )
    })

    it('drops people whose connection is cut or who sign out; a private room lists only its readers', async () => {
      const id = await createRoom(root, { name: 'Huddle', private: true })
      await addMember(root, id, 'ann')
      await addMember(root, id, 'ben')
      await say(ann, 'huddle', 'hi')
      const a = await readySocket(ann, 'huddle', sockets)
      const b = await readySocket(ben, 'huddle', sockets)
      const r = await readySocket(root, 'huddle', sockets)
      await waitPresence(a, ['ann', 'ben', 'root'], 'members and the admin')
      r.ws.terminate() // no close frame: the server finds out from the connection
      await waitPresence(a, ['ann', 'ben'], 'root’s connection cut')
      assert.equal((await ben.post('/logout', {})).status, 303)
      assert.equal((await closedWithin(b)).code, 4401)
      await waitPresence(a, ['ann'], 'ben signed out')
      assert.equal((await cat.get('/rooms/huddle')).status, 404, 'cat cannot even look')
    })
  })
}
