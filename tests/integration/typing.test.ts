import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, afterEach, before, describe, it } from 'node:test'
import { Redis } from 'ioredis'
import { decodeRoom } from '../../src/bus/wire.ts'
import { manualClock } from '../../src/clock.ts'
import { createRoom, messageFrames, say } from '../support/admin.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { storedMessages, userId } from '../support/db-lookups.ts'
import { HttpUser } from '../support/http.ts'
import { readySocket, typingLines } from '../support/live.ts'
import { settled, until } from '../support/settled.ts'
import type { TestSocket } from '../support/socket.ts'

// The typing throttle and timeout (realtime/live/typing-live.ts) run on the app's clock, moved on by hand.
const TYPING_EVERY_MS = 2000
const TYPING_TTL_MS = 5000

for (const backend of backends()) {
  describe(`who is typing [${backend.name}]`, { timeout: 90_000 }, () => {
    let app: TestApp
    let root: HttpUser
    let ann: HttpUser
    let ben: HttpUser
    let cat: HttpUser
    const sockets: TestSocket[] = []
    const cleanups: Array<() => void> = []
    const clock = manualClock()
    /**
     * Typing signals as the bus carries them for a room (Redis only: the in-process bus has no outside view),
     * decoded and written `t userId 0|1 name` (one line per signal, whatever the wire's version).
     */
    const busSignals = async (roomId: number): Promise<string[] | undefined> => {
      if (!backend.redisUrl) return undefined
      const redis = new Redis(app.env.REDIS_URL as string)
      cleanups.push(() => redis.disconnect())
      const seen: string[] = []
      redis.on('message', (_channel: string, payload: string) => {
        const p = decodeRoom(payload)
        if (p?.kind === 'typing')
          seen.push(`t ${p.signal.userId} ${p.signal.typing ? 1 : 0} ${p.signal.name}`)
      })
      await redis.subscribe(`${app.env.BUS_PREFIX}room:${roomId}`)
      return seen
    }
    before(async () => {
      app = await startTestApp(backend, {}, { clock })
      root = await HttpUser.signUp(app.url, 'root')
      ann = await HttpUser.signUp(app.url, 'ann')
      ben = await HttpUser.signUp(app.url, 'ben')
      cat = await HttpUser.signUp(app.url, 'cat')
    })
    afterEach(() => {
      for (const s of sockets.splice(0)) s.ws.terminate()
      for (const c of cleanups.splice(0)) c()
    })
    after(() => app?.close())

    it('tells the others in the room who is typing, never the typist, nobody elsewhere; nothing is stored', async () => {
      await createRoom(root, { name: 'Desk' })
      const stored = await storedMessages(app)
      const [a1, a2, b, c] = [
        await readySocket(ann, 'desk', sockets),
        await readySocket(ann, 'desk', sockets),
        await readySocket(ben, 'desk', sockets),
        await readySocket(cat, 'desk', sockets),
      ]
      const away = await readySocket(ben, 'general', sockets)
      a1.sendJson({ type: 'typing' })
      for (const s of [b, c])
        await s.waitFor(() => typingLines(s).at(-1) === 'ann is typing…', 'ann is typing… for the others')
      b.sendJson({ type: 'typing' })
      await c.waitFor(() => typingLines(c).at(-1) === 'ann and ben are typing…', 'both, for cat')
      await a1.waitFor(() => typingLines(a1).at(-1) === 'ben is typing…', 'ben, for ann')
      await a2.waitFor(() => typingLines(a2).at(-1) === 'ben is typing…', 'ben, for ann’s other page')
      assert.deepEqual(typingLines(b), ['ann is typing…', 'ann is typing…'], 'ben is never told of himself')
      for (const s of [a1, a2])
        assert.ok(!typingLines(s).some((l) => l.includes('ann')), `ann: ${JSON.stringify(typingLines(s))}`)
      assert.equal(await storedMessages(app), stored, 'typing is never stored')
      // Another room hears none of it.
      await say(root, 'general', 'meanwhile in general')
      await away.waitFor(() => messageFrames(away, 'meanwhile in general').length === 1, 'general’s message')
      assert.deepEqual(typingLines(away), [])
      // A typing frame is just that: anything more is refused.
      a1.sendJson({ type: 'typing', text: 'hello' })
      await settled(a1)
      assert.match(a1.frames.join(''), /That frame was refused: unknown field &quot;text&quot;\./)
    })

    it('passes on one signal per 2 s per socket, and the line goes 5 s after the first one', async (t) => {
      const room = await createRoom(root, { name: 'Burst' })
      const signals = await busSignals(room)
      const a = await readySocket(ann, 'burst', sockets)
      const b = await readySocket(ben, 'burst', sockets)
      a.sendJson({ type: 'typing' })
      await b.waitFor(() => typingLines(b).length === 1, 'the first signal')
      const shown = clock.now()
      // Keystrokes go on for 1.5 s: within the 2 s, none of them is passed on (nor keeps the line up).
      for (let i = 0; i < 5; i++) {
        clock.advance(300)
        a.sendJson({ type: 'typing' })
        await settled(a)
      }
      if (signals) assert.deepEqual(signals, [`t ${await userId(app, 'ann')} 1 ann`], 'one signal on the bus')
      clock.advance(TYPING_TTL_MS - (clock.now() - shown) - 1)
      await settled(b) // had the line gone within that advance, b would have heard it before this barrier
      assert.equal(typingLines(b).length, 1, 'still shown a millisecond before it is due to go')
      clock.advance(1)
      await b.waitFor(() => typingLines(b).length === 2, 'the line cleared')
      const lasted = clock.now() - shown
      t.diagnostic(`"ann is typing…" lasted ${lasted} ms`)
      assert.deepEqual(typingLines(b), ['ann is typing…', ''])
      assert.ok(lasted > TYPING_TTL_MS - 500, `not cut short: ${lasted} ms`)
      assert.ok(lasted < TYPING_TTL_MS + 1000, `5 s after the first signal, not the last: ${lasted} ms`)
      // More than 2 s later, a signal is passed on again.
      a.sendJson({ type: 'typing' })
      await b.waitFor(() => typingLines(b).length === 3, 'typing again')
      assert.equal(typingLines(b)[2], 'ann is typing…')
      if (signals) await until(() => signals.length === 2, 'the second signal on the bus')
      if (signals) assert.deepEqual(signals.slice(1), [`t ${await userId(app, 'ann')} 1 ann`], 'and only it')
    })

    it('clears the line at once when the typist sends, and a new signal is passed on straight after', async () => {
      await createRoom(root, { name: 'Post' })
      const a = await readySocket(ann, 'post', sockets)
      const b = await readySocket(ben, 'post', sockets)
      const stored = await storedMessages(app)
      a.sendJson({ type: 'typing' })
      await b.waitFor(() => typingLines(b).length === 1, 'ann is typing…')
      const sent = clock.now()
      a.sendMessage({ body: 'done typing', client_id: randomUUID(), _csrf: ann.csrf })
      // The clock stands still: a line that goes now goes because ann sent, not because it expired.
      await b.waitFor(() => typingLines(b).length === 2, 'the line cleared')
      assert.ok(clock.now() - sent < TYPING_EVERY_MS, 'at once, not when it expires')
      assert.deepEqual(typingLines(b), ['ann is typing…', ''])
      await b.waitFor(() => messageFrames(b, 'done typing').length === 1, 'the message')
      assert.equal(await storedMessages(app), stored + 1, 'the message, and nothing else')
      a.sendJson({ type: 'typing' })
      await b.waitFor(() => typingLines(b).length === 3, 'typing the next one', TYPING_EVERY_MS - 500)
      assert.equal(typingLines(b)[2], 'ann is typing…')
    })
  })
}
