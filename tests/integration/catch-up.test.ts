import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import WebSocket from 'ws'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { HttpUser } from '../support/http.ts'
import { openSocket, pushedSeqs, type TestSocket } from '../support/socket.ts'

// 4,000 characters that render to ~60 KB each (every "@a" becomes a mention span): 40 of them are ~2.4 MB,
// more than the 1 MiB a socket may have unsent (WS_MAX_BUFFERED_KB), so one catch-up frame would be cut.
const LONG = '@a '.repeat(1331).trim()

/** Waits like `waitFor`, but fails at once if the socket is closed meanwhile (a cut catch-up). */
async function whileOpen(s: TestSocket, until: () => boolean, what: string): Promise<void> {
  const cut = s.closed.then((c) => {
    throw new Error(`the socket was closed (${c.code}) before ${what}`)
  })
  await Promise.race([s.waitFor(until, what, 30_000), cut])
}

for (const backend of backends()) {
  describe(`catch-up of a reader far behind [${backend.name}]`, { timeout: 120_000 }, () => {
    let app: TestApp
    let ann: HttpUser
    let ben: HttpUser
    const open: TestSocket[] = []
    const post = async (user: HttpUser, slug: string, body: string) => {
      const res = await user.post(`/rooms/${slug}/messages`, { body, client_id: randomUUID() })
      assert.equal(res.status, 303)
    }
    before(async () => {
      app = await startTestApp(backend)
      ann = await HttpUser.signUp(app.url, 'ann')
      ben = await HttpUser.signUp(app.url, 'ben')
    })
    after(async () => {
      for (const s of open) s.ws.terminate()
      await app?.close()
    })

    it('replays 40 long messages missed offline in pieces the socket can take: all 40, in order, once, and stays connected', async () => {
      await ann.post('/rooms', { name: 'Busy' })
      const first = await openSocket(ben, 'busy')
      open.push(first)
      await first.close()
      for (let i = 0; i < 40; i++) await post(ann, 'busy', `${i} ${LONG}`)
      const back = await openSocket(ben, 'busy', { lastSeq: 0 })
      open.push(back)
      await whileOpen(back, () => new Set(pushedSeqs(back)).size >= 40, '40 replayed messages')
      assert.deepEqual(
        pushedSeqs(back),
        Array.from({ length: 40 }, (_, i) => i + 1),
      )
      const biggest = Math.max(...back.frames.map((f) => Buffer.byteLength(f)))
      assert.ok(biggest < 256 * 1024, `no piece near the limit (biggest ${biggest} bytes)`)
      await post(ann, 'busy', 'live after the catch-up')
      await back.waitFor((f) => f.some((x) => x.includes('live after the catch-up')), 'a live message')
      assert.deepEqual(
        pushedSeqs(back),
        Array.from({ length: 41 }, (_, i) => i + 1),
      )
      assert.equal(back.ws.readyState, WebSocket.OPEN, 'still connected')
    })

    it('re-renders the latest page in pieces for a reader too far behind to replay', async () => {
      await ann.post('/rooms', { name: 'Flood' })
      // Past the replay limit (500 missed): the reader gets the latest page (50 messages) afresh instead.
      for (let i = 0; i < 460; i++) await post(ann, 'flood', `short ${i}`)
      for (let i = 0; i < 50; i++) await post(ann, 'flood', `${i} ${LONG}`)
      const back = await openSocket(ben, 'flood', { lastSeq: 0 })
      open.push(back)
      await whileOpen(back, () => new Set(pushedSeqs(back)).size >= 50, 'the latest page')
      assert.deepEqual(
        pushedSeqs(back),
        Array.from({ length: 50 }, (_, i) => 461 + i),
      )
      assert.match(back.frames[0] ?? '', /hx-swap="innerHTML"/, 'the first piece replaces the log')
      await post(ann, 'flood', 'live after the fresh page')
      await back.waitFor((f) => f.some((x) => x.includes('live after the fresh page')), 'a live message')
      assert.equal(back.ws.readyState, WebSocket.OPEN, 'still connected')
    })
  })
}
