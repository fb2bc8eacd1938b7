import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import WebSocket from 'ws'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { HttpUser } from '../support/http.ts'
import { openSocket, pushedSeqs, type TestSocket } from '../support/socket.ts'

const acked = (frames: string[]) => frames.filter((f) => /class="send sent"/.test(f)).length

for (const backend of backends()) {
  describe(`a slow database is not the client's flood [${backend.name}]`, { timeout: 90_000 }, () => {
    let app: TestApp
    let ann: HttpUser
    const open: TestSocket[] = []
    before(async () => {
      app = await startTestApp(backend)
      ann = await HttpUser.signUp(app.url, 'ann')
    })
    after(async () => {
      for (const s of open) s.ws.terminate()
      await app?.close()
    })

    it('keeps a socket whose 180 sends wait on a stalled store open (no 1008), and answers them all once it moves', async () => {
      const socket = await openSocket(ann, 'general')
      open.push(socket)
      // Caught up first (on PGlite the stall below holds the one connection, catch-up reads included).
      socket.sendJson({ type: 'nonsense' })
      await socket.waitFor((f) => f.some((x) => x.includes('refused')), 'the caught-up socket')
      // A writer holding the room's row: every message of the room waits for it, as on a stuck database.
      let release = () => {}
      const held = new Promise<void>((resolve) => {
        release = resolve
      })
      let locked = () => {}
      const isLocked = new Promise<void>((resolve) => {
        locked = resolve
      })
      const stall = app.store.db.transaction().execute(async (trx) => {
        await trx.selectFrom('rooms').select('id').where('slug', '=', 'general').forUpdate().execute()
        locked()
        await held
      })
      await isLocked
      const cut = socket.closed.then((c) => {
        release()
        throw new Error(`closed with ${c.code} (${c.reason}) while the store was stalled`)
      })
      // Three bursts of 60 (htmx flushes up to 100 queued sends at once after a reconnect), 180 waiting in all.
      for (let round = 1; round <= 3; round++) {
        for (let i = 0; i < 60; i++)
          socket.sendMessage({ body: `waiting ${round}.${i}`, client_id: randomUUID(), _csrf: ann.csrf })
        // Answered after the 60 frames' turns: every one of them was read and queued for storing.
        socket.sendJson({ type: 'nonsense' })
        const notices = (f: string[]) => f.filter((x) => x.includes('refused')).length === round + 1
        await Promise.race([socket.waitFor(notices, `the notice after burst ${round}`), cut])
      }
      assert.equal(acked(socket.frames), 0, 'nothing stored yet')
      release()
      await stall
      await Promise.race([socket.waitFor((f) => acked(f) === 180, '180 acknowledgements', 30_000), cut])
      await socket.waitFor(() => pushedSeqs(socket).length === 180, 'the 180 messages')
      assert.deepEqual(
        pushedSeqs(socket),
        Array.from({ length: 180 }, (_, i) => i + 1),
      )
      assert.equal(socket.ws.readyState, WebSocket.OPEN)
    })
  })
}
