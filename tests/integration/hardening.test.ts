import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import WebSocket from 'ws'
import { roomTopic } from '../../src/bus/bus.ts'
import { encodeFrame } from '../../src/bus/wire.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { HttpUser } from '../support/http.ts'
import { openSocket, type TestSocket } from '../support/socket.ts'

/** The smallest WS_MAX_BUFFERED_KB there is (src/config.ts): what a busy room must live with. */
const MIN_BUFFERED_KB = '256'

for (const backend of backends()) {
  describe(`hardening [${backend.name}]`, { timeout: 60_000 }, () => {
    let app: TestApp
    let eve: HttpUser
    before(async () => {
      app = await startTestApp(backend, {
        WS_HEARTBEAT_SECONDS: '1',
        WS_MAX_BUFFERED_KB: MIN_BUFFERED_KB,
        MESSAGE_BURST: '50',
        MESSAGES_PER_10S: '500',
      })
      eve = await HttpUser.signUp(app.url, 'eve')
    })
    after(() => app?.close())

    it('sends a strict Content-Security-Policy and the other security headers', async () => {
      const res = await fetch(`${app.url}/login`)
      const csp = res.headers.get('content-security-policy') ?? ''
      for (const part of [
        "default-src 'self'",
        "script-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
      ]) {
        assert.ok(csp.includes(part), part)
      }
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/)
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff')
      assert.equal(res.headers.get('referrer-policy'), 'same-origin')
    })

    it('refuses an oversized form body (413) and stores nothing', async () => {
      const res = await eve.post('/rooms/general/messages', {
        body: 'x'.repeat(100_000),
        client_id: 'abcdefgh1',
      })
      assert.equal(res.status, 413)
      assert.equal((await app.store.db.selectFrom('messages').select('id').execute()).length, 0)
    })

    it('never negotiates permessage-deflate', async () => {
      const socket = await openSocket(eve, 'general')
      assert.equal(socket.ws.extensions, '', 'the client offered deflate; the server declined')
      socket.ws.terminate()
    })

    it('terminates a socket that stops answering pings, and keeps one that answers', async () => {
      const url = `${app.url.replace('http', 'ws')}/rooms/general/ws`
      const headers = { cookie: eve.cookieHeader, origin: app.url }
      const dead = new WebSocket(url, { headers, autoPong: false })
      const alive = new WebSocket(url, { headers })
      await Promise.all([dead, alive].map((ws) => new Promise((r) => ws.once('open', r))))
      const started = Date.now()
      const code = await new Promise<number>((resolve) => dead.once('close', (c) => resolve(c)))
      assert.equal(code, 1006, 'terminated, not closed politely')
      assert.ok(Date.now() - started < 4000, 'within two heartbeats or so')
      assert.equal(alive.readyState, WebSocket.OPEN)
      alive.terminate()
    })

    it('cuts a reader that stops reading once its backlog passes the cap, and keeps the others', async () => {
      const slow = await openSocket(eve, 'general')
      const fast = await openSocket(eve, 'general')
      const closed = new Promise<number>((resolve) => slow.ws.once('close', (c) => resolve(c)))
      ;(slow.ws as unknown as { _socket: { pause(): void } })._socket.pause()
      const big = encodeFrame({ seq: 0, html: `<p>${'x'.repeat(16 * 1024)}</p>` })
      const topic = roomTopic(app.env.BUS_PREFIX ?? 'parley:', 1)
      // 12 MB in steps the fast reader drains (it shares this process's event loop with the server): more than
      // the kernel's socket buffers hold, so the paused reader's backlog has to grow on the server.
      // (Frames of one event-loop turn may arrive as one message: count the paragraphs, not the messages.)
      const got = () => fast.frames.reduce((n, x) => n + x.split('<p>').length - 1, 0)
      for (let i = 1; i <= 250; i++) {
        for (let j = 0; j < 3; j++) await app.bus.publish(topic, big)
        await fast.waitFor(() => got() === 3 * i, `step ${i}`)
      }
      ;(slow.ws as unknown as { _socket: { resume(): void } })._socket.resume()
      assert.equal(await closed, 1006, 'the slow reader was cut (it reconnects and catches up)')
      assert.equal(fast.ws.readyState, WebSocket.OPEN)
      fast.ws.terminate()
    })

    it('keeps every reader of a busy room when one max-size mention-heavy message goes out (at the least limit)', async () => {
      const fay = await HttpUser.signUp(app.url, 'gus')
      const readers: TestSocket[] = []
      for (const user of [eve, eve, fay, fay]) readers.push(await openSocket(user, 'general'))
      const writer = await openSocket(eve, 'general')
      // "@a @a …" up to the 4,000-character cap: each mention is a <span>, ~62 KB as a frame.
      const heavy = '@a '.repeat(1333).trim()
      const bodies = ['first', heavy, 'third', 'fourth', heavy, 'sixth', 'seventh', 'last of the burst']
      const tag = Math.random().toString(36).slice(2, 8)
      // All sent at once: stored in a group, published together, combined into one 16 ms run of the room.
      for (const [i, body] of bodies.entries())
        writer.sendMessage({ body, client_id: `burst${tag}${i}x`, _csrf: eve.csrf })
      for (const r of [...readers, writer])
        await Promise.race([
          r.waitFor((f) => f.some((x) => x.includes('last of the burst')), 'the whole burst', 15_000),
          r.closed.then((c) => assert.fail(`a reader was cut (${c.code})`)),
        ])
      for (const r of readers) {
        const heavies = r.frames.filter((f) => f.includes('data-user="a"')).length
        assert.equal(heavies, 2, 'both heavy messages arrived')
        assert.equal(r.ws.readyState, WebSocket.OPEN)
      }
      for (const r of [...readers, writer]) r.ws.terminate()
    })

    it('closes a socket that floods frames faster than they are handled (1008)', async () => {
      const flood = await openSocket(eve, 'general')
      for (let i = 0; i < 200; i++) flood.ws.send('{"type":"boom"}')
      assert.equal((await flood.closed).code, 1008)
      assert.equal((await fetch(`${app.url}/healthz`)).status, 200)
    })

    it('closes every socket of a session when it signs out (4401), and only those', async () => {
      const fay = await HttpUser.signUp(app.url, 'fay')
      const mine = [await openSocket(fay, 'general'), await openSocket(fay, 'general')]
      const other = await openSocket(eve, 'general')
      const res = await fay.post('/logout', {})
      assert.equal(res.status, 303)
      for (const s of mine) assert.equal((await s.closed).code, 4401)
      assert.equal(other.ws.readyState, WebSocket.OPEN)
      other.ws.terminate()
    })
  })
}
