import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import WebSocket from 'ws'
import { startSiblingNode, startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { HttpUser, PASSWORD } from '../support/http.ts'
import { isAnswer, openSocket, upgradeStatus } from '../support/socket.ts'

const slowDown = (f: string) => isAnswer(f) && f.includes('Slow down: you can send again in')

for (const backend of backends()) {
  describe(`rate limits and caps [${backend.name}]`, { timeout: 60_000 }, () => {
    let app: TestApp
    before(async () => {
      // The shipped defaults: 5 messages at once then 1 a second, 10 sign-ins per 15 min; 3 sockets per address.
      const env = {
        MESSAGE_BURST: '5',
        MESSAGES_PER_10S: '10',
        LOGINS_PER_15M: '10',
        TRUST_PROXY: 'true',
        SOCKETS_PER_IP: '3',
      }
      app = await startTestApp(backend, env)
    })
    after(() => app?.close())

    it('lets a person send 5 messages at once, then says "slow down", keeps the text and stores nothing more', async () => {
      const ann = await HttpUser.signUp(app.url, 'ann')
      const socket = await openSocket(ann, 'general')
      for (let i = 1; i <= 7; i++)
        socket.sendMessage({ body: `burst ${i}`, client_id: randomUUID(), _csrf: ann.csrf })
      await socket.waitFor((f) => f.filter(isAnswer).length === 7, 'seven replies')
      const refused = socket.frames.filter(slowDown)
      assert.equal(refused.length, 2)
      assert.match(refused[0] ?? '', /<li id="send-[^"]+" class="send failed"/, 'its page puts the text back')
      const posted = await ann.post('/rooms/general/messages', {
        body: 'by form, too fast',
        client_id: randomUUID(),
      })
      assert.equal(posted.status, 429)
      assert.match(posted.html, /Slow down: you can send again in \d+ s\./)
      assert.match(posted.html, />by form, too fast<\/textarea>/)
      const rows = await app.store.db.selectFrom('messages').select('body').execute()
      assert.deepEqual(rows.map((r) => r.body).sort(), [
        'burst 1',
        'burst 2',
        'burst 3',
        'burst 4',
        'burst 5',
      ])
      socket.ws.terminate()
    })

    it('limits each person separately', async () => {
      const bea = await HttpUser.signUp(app.url, 'bea')
      const res = await bea.post('/rooms/general/messages', { body: 'bea is fine', client_id: randomUUID() })
      assert.equal(res.status, 303)
    })

    it('throttles sign-in attempts per address and per account, with a clear message', async () => {
      await HttpUser.signUp(app.url, 'victim')
      const from = (ip: string) => ({ 'X-Forwarded-For': ip })
      const v = new HttpUser(app.url)
      await v.get('/login')
      for (let i = 0; i < 10; i++) {
        const res = await v.post(
          '/login',
          { username: `nobody${i}`, password: 'wrong password' },
          from('203.0.113.7'),
        )
        assert.equal(res.status, 422)
      }
      // A forged entry in front of the proxy's own one changes nothing: the last entry is the address.
      const blocked = await v.post(
        '/login',
        { username: 'victim', password: PASSWORD },
        from('10.9.8.7, 203.0.113.7'),
      )
      assert.equal(blocked.status, 429)
      assert.match(blocked.html, /Too many sign-in attempts\. Try again in \d+ min\./)
      assert.equal(
        (await v.post('/login', { username: 'victim', password: PASSWORD }, from('198.51.100.1'))).status,
        303,
      )
      // No account lockout (OWASP): guesses from nine addresses leave the owner free to sign in from theirs,
      // while one address guessing one account gets five tries, then growing delays (tests/integration/limits).
      const w = new HttpUser(app.url)
      await w.get('/login')
      for (let i = 0; i < 9; i++)
        await w.post('/login', { username: 'victim', password: 'guess' }, from(`192.0.2.${i}`))
      const owner = await w.post('/login', { username: 'victim', password: PASSWORD }, from('192.0.2.99'))
      assert.equal(owner.status, 303)
      const g = new HttpUser(app.url)
      await g.get('/login')
      const tries = []
      for (let i = 0; i < 6; i++)
        tries.push(
          (await g.post('/login', { username: 'victim', password: 'guess' }, from('192.0.2.50'))).status,
        )
      assert.deepEqual(tries, [422, 422, 422, 422, 422, 429])
    })

    it('holds the cap when many upgrades arrive at once, and answers a malformed cookie with 401', async () => {
      const dee = await HttpUser.signUp(app.url, 'dee')
      const headers = { cookie: dee.cookieHeader, origin: app.url }
      const url = `${app.url.replace('http', 'ws')}/rooms/general/ws`
      const sockets = Array.from({ length: 10 }, () => new WebSocket(url, { headers }))
      const statuses = await Promise.all(
        sockets.map(
          (ws) =>
            new Promise<number>((resolve) => {
              ws.on('error', () => {}) // the refused ones end with an error after their 429
              ws.once('open', () => resolve(101))
              ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
            }),
        ),
      )
      assert.equal(statuses.filter((s) => s === 101).length, 3, statuses.join(','))
      assert.equal(statuses.filter((s) => s === 429).length, 7)
      for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws.terminate()
      // Their places come back once the server has seen them close.
      const deadline = Date.now() + 5000
      while ((await upgradeStatus(app.url, 'general', headers)) !== 101 && Date.now() < deadline) {}
      assert.equal(
        await upgradeStatus(app.url, 'general', { cookie: 'parley_session=%E0', origin: app.url }),
        401,
      )
    })

    it('caps open sockets per address (429 at the upgrade)', async () => {
      const cy = await HttpUser.signUp(app.url, 'cy')
      const open = [
        await openSocket(cy, 'general'),
        await openSocket(cy, 'general'),
        await openSocket(cy, 'general'),
      ]
      const headers = { cookie: cy.cookieHeader, origin: app.url }
      assert.equal(await upgradeStatus(app.url, 'general', headers), 429)
      await open[0]?.close()
      const deadline = Date.now() + 5000
      let status = 0
      while (status !== 101 && Date.now() < deadline)
        status = await upgradeStatus(app.url, 'general', headers)
      assert.equal(status, 101, 'a closed socket frees its place')
      for (const s of open) s.ws.terminate()
    })

    if (backend.redisUrl) {
      it('shares the message budget across nodes through Redis', async () => {
        const other = await startSiblingNode(app)
        try {
          // Sign-ups are limited per address too (5 at once): this file's sixth comes from elsewhere.
          const dan = new HttpUser(app.url)
          await dan.get('/signup')
          const signedUp = await dan.post(
            '/signup',
            { username: 'dan', password: PASSWORD },
            {
              'X-Forwarded-For': '192.0.2.77',
            },
          )
          assert.equal(signedUp.status, 303)
          await dan.get('/')
          const onA = await openSocket(dan, 'general')
          const onB = await openSocket(dan, 'general', { base: other.url })
          for (let i = 0; i < 3; i++)
            onA.sendMessage({ body: `a${i}`, client_id: randomUUID(), _csrf: dan.csrf })
          await onA.waitFor((f) => f.filter(isAnswer).length === 3, 'three on node A')
          for (let i = 0; i < 3; i++)
            onB.sendMessage({ body: `b${i}`, client_id: randomUUID(), _csrf: dan.csrf })
          await onB.waitFor((f) => f.filter(isAnswer).length === 3, 'three on node B')
          assert.equal(
            onA.frames.filter(slowDown).length + onB.frames.filter(slowDown).length,
            1,
            '6 sends, 5 allowed',
          )
          onA.ws.terminate()
          onB.ws.terminate()
        } finally {
          await other.stop()
        }
      })
    }
  })
}
