import assert from 'node:assert/strict'
import { request } from 'node:http'
import { after, before, describe, it } from 'node:test'
import WebSocket from 'ws'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { HttpUser } from '../support/http.ts'

/**
 * The test plays the proxy: it connects from 127.0.0.1 (or another loopback address) and sends the
 * X-Forwarded-For a proxy would, with a client's forged entries in front of the proxy's own.
 */
interface From {
  localAddress?: string
  xff?: string
}

function headersOf(from: From, extra: Record<string, string> = {}): Record<string, string> {
  return { ...extra, ...(from.xff === undefined ? {} : { 'X-Forwarded-For': from.xff }) }
}

/** GET over plain node:http (fetch cannot choose the local address). */
function statusOf(app: TestApp, path: string, from: From): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, app.url),
      { headers: headersOf(from), localAddress: from.localAddress },
      (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      },
    )
    req.on('error', reject)
    req.end()
  })
}

/** Opens a room socket as `user` from `from`; resolves with the socket, or with the refusal's status. */
function upgradeFrom(app: TestApp, user: HttpUser, from: From): Promise<WebSocket | number> {
  const headers = headersOf(from, { cookie: user.cookieHeader, origin: app.url })
  const ws = new WebSocket(`${app.url.replace('http', 'ws')}/rooms/general/ws`, {
    headers,
    localAddress: from.localAddress,
  })
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      res.destroy()
    })
    ws.once('error', reject)
  })
}

const opened = (v: WebSocket | number): WebSocket => {
  if (typeof v === 'number') throw new Error(`upgrade refused: ${v}`)
  return v
}

for (const backend of backends()) {
  describe(`forged X-Forwarded-For behind one proxy (TRUST_PROXY=1) [${backend.name}]`, {
    timeout: 60_000,
  }, () => {
    let app: TestApp
    let ann: HttpUser
    const open: WebSocket[] = []
    before(async () => {
      app = await startTestApp(backend, { TRUST_PROXY: '1', SOCKETS_PER_IP: '2', LOGINS_PER_15M: '3' })
      ann = await HttpUser.signUp(app.url, 'ann')
    })
    after(async () => {
      for (const ws of open) ws.terminate()
      await app?.close()
    })

    it('counts sockets against the address the proxy added, not a forged one', async () => {
      for (const xff of ['203.0.113.9', '198.51.100.1, 203.0.113.9'])
        open.push(opened(await upgradeFrom(app, ann, { xff })))
      assert.equal(app.socketPlaces('203.0.113.9'), 2)
      for (const forged of ['10.9.8.7, 203.0.113.9', '127.0.0.1, 203.0.113.9', '203.0.113.10,203.0.113.9'])
        assert.equal(await upgradeFrom(app, ann, { xff: forged }), 429, forged)
      open.push(opened(await upgradeFrom(app, ann, { xff: '203.0.113.10' })))
      assert.equal(app.socketPlaces('203.0.113.10'), 1, 'another client has places of its own')
    })

    it('keeps /metrics to this machine: a forged 127.0.0.1 in front of the proxy entry is refused', async () => {
      assert.equal(await statusOf(app, '/metrics', { xff: '127.0.0.1, 203.0.113.9' }), 403)
      assert.equal(await statusOf(app, '/metrics', { xff: '::1, 203.0.113.9' }), 403)
      assert.equal(await statusOf(app, '/metrics', { xff: '127.0.0.1' }), 200, 'a client on this machine')
      assert.equal(await statusOf(app, '/metrics', {}), 200, 'a scraper on this machine, not via the proxy')
    })

    it('keys the sign-in limit on the proxy entry: forged entries buy no more tries', async () => {
      const v = new HttpUser(app.url)
      await v.get('/login')
      const attempt = async (xff: string, i: number) =>
        (await v.post('/login', { username: `nobody${i}`, password: 'wrong' }, { 'X-Forwarded-For': xff }))
          .status
      let i = 0
      while ((await attempt(`10.0.0.${i}, 192.0.2.77`, i)) !== 429)
        assert.ok(++i < 10, 'the limit never came')
      for (const forged of ['10.0.0.99, 192.0.2.77', '192.0.2.78, 192.0.2.77', '127.0.0.1,192.0.2.77'])
        assert.equal(await attempt(forged, ++i), 429, forged)
      assert.equal(await attempt('192.0.2.78', ++i), 422, 'another client is not held back')
    })
  })

  describe(`two proxy hops (TRUST_PROXY=2) [${backend.name}]`, { timeout: 60_000 }, () => {
    let app: TestApp
    before(async () => {
      app = await startTestApp(backend, { TRUST_PROXY: '2' })
    })
    after(() => app?.close())

    it('takes the client as the entry two hops from the right, over HTTP and the socket', async () => {
      const ann = await HttpUser.signUp(app.url, 'ann')
      const ws = opened(await upgradeFrom(app, ann, { xff: '127.0.0.1, 198.51.100.7, 10.0.0.2' }))
      assert.equal(app.socketPlaces('198.51.100.7'), 1)
      assert.equal(app.socketPlaces('127.0.0.1'), 0)
      ws.terminate()
      assert.equal(await statusOf(app, '/metrics', { xff: '127.0.0.1, 198.51.100.7, 10.0.0.2' }), 403)
      assert.equal(await statusOf(app, '/metrics', { xff: '127.0.0.1, 10.0.0.2' }), 200)
    })
  })

  describe(`a listed proxy (TRUST_PROXY=127.0.0.2) [${backend.name}]`, { timeout: 60_000 }, () => {
    let app: TestApp
    let ann: HttpUser
    const proxy = { localAddress: '127.0.0.2' }
    before(async () => {
      app = await startTestApp(backend, { TRUST_PROXY: '127.0.0.2', SOCKETS_PER_IP: '2' })
      ann = await HttpUser.signUp(app.url, 'ann')
    })
    after(() => app?.close())

    it("believes the listed proxy's entry, over HTTP and the socket", async () => {
      assert.equal(await statusOf(app, '/metrics', { ...proxy, xff: '127.0.0.1, 203.0.113.9' }), 403)
      assert.equal(await statusOf(app, '/metrics', { ...proxy, xff: '127.0.0.1' }), 200)
      const ws = opened(await upgradeFrom(app, ann, { ...proxy, xff: '127.0.0.1, 203.0.113.9' }))
      assert.equal(app.socketPlaces('203.0.113.9'), 1)
      ws.terminate()
    })

    it('ignores X-Forwarded-For from anyone else: a direct client cannot take new places by forging it', async () => {
      const direct = { localAddress: '127.0.0.1' }
      const sockets = [
        opened(await upgradeFrom(app, ann, { ...direct, xff: '198.51.100.1' })),
        opened(await upgradeFrom(app, ann, { ...direct, xff: '198.51.100.2' })),
      ]
      assert.equal(app.socketPlaces('127.0.0.1'), 2)
      assert.equal(await upgradeFrom(app, ann, { ...direct, xff: '198.51.100.3' }), 429)
      for (const ws of sockets) ws.terminate()
    })
  })
}
