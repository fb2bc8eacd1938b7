import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import net from 'node:net'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { HANDSHAKE_MS } from '../../src/realtime/socket/upgrade-socket.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { type Backend, backends } from '../support/backends.ts'
import { HttpUser } from '../support/http.ts'
import { openSocket } from '../support/socket.ts'

const LOCAL = '127.0.0.1'

/** Waits (briefly polling) until `check` holds; the machine is busy, so the deadline is generous. */
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

interface Closing {
  ended: Promise<void>
  /** What the server answered so far. */
  answer: string
}

/** A raw TCP client that sends a WebSocket upgrade request and then does whatever the test says. */
async function rawUpgrade(app: TestApp, headers: Record<string, string>): Promise<net.Socket & Closing> {
  const { port } = new URL(app.url)
  const socket = Object.assign(net.connect(Number(port), LOCAL), { ended: Promise.resolve(), answer: '' })
  socket.ended = new Promise((resolve) => socket.once('close', () => resolve()))
  socket.on('error', () => {})
  // Read, so the server's FIN is seen and the socket closes.
  socket.on('data', (data) => {
    socket.answer += data.toString()
  })
  await new Promise((resolve) => socket.once('connect', resolve))
  const lines = [
    'GET /rooms/general/ws HTTP/1.1',
    `Host: ${LOCAL}:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ]
  socket.write(`${lines.join('\r\n')}\r\n\r\n`)
  return socket
}

/**
 * Holds the database while `during` runs: the sessions table is locked (Postgres), and on PGlite the one
 * connection is held, so an upgrade's session check waits until `during` is done.
 */
async function withDbHeld(app: TestApp, during: () => Promise<void>): Promise<void> {
  let locked: () => void = () => {}
  const isLocked = new Promise<void>((resolve) => {
    locked = resolve
  })
  const held = app.store.db.transaction().execute(async (trx) => {
    await sql`LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE`.execute(trx)
    locked()
    await during()
  })
  await Promise.race([isLocked, held])
  await held
}

const connections = (app: TestApp) =>
  new Promise<number>((resolve, reject) =>
    app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))),
  )

for (const backend of backends()) {
  describe(`socket places per address [${backend.name}]`, { timeout: 90_000 }, () => {
    let app: TestApp
    let ann: HttpUser
    before(async () => {
      app = await startTestApp(backend, { SOCKETS_PER_IP: '3' })
      ann = await HttpUser.signUp(app.url, 'ann')
    })
    after(() => app?.close())

    it('gives back the place of every upgrade reset while it waits on the database', async () => {
      const headers = { Cookie: ann.cookieHeader, Origin: app.url }
      const before = await connections(app)
      await withDbHeld(app, async () => {
        const clients = await Promise.all([1, 2, 3].map(() => rawUpgrade(app, headers)))
        await until(() => app.socketPlaces(LOCAL) === 3, 'three places reserved')
        for (const c of clients) c.resetAndDestroy()
        // The server has seen the resets before the database answers.
        await until(async () => (await connections(app)) <= before, 'the resets to reach the server')
      })
      await until(() => app.socketPlaces(LOCAL) === 0, 'every place given back')
      const sockets = await Promise.all([1, 2, 3].map(() => openSocket(ann, 'general')))
      assert.equal(app.socketPlaces(LOCAL), 3, 'the address has all its places again')
      await Promise.all(sockets.map((s) => s.close()))
      await until(() => app.socketPlaces(LOCAL) === 0, 'places given back after a normal close')
    })

    it('gives back the place of an upgrade that closes its end (FIN) while it waits', async () => {
      const headers = { Cookie: ann.cookieHeader, Origin: app.url }
      await withDbHeld(app, async () => {
        const client = await rawUpgrade(app, headers)
        await until(() => app.socketPlaces(LOCAL) === 1, 'one place reserved')
        client.end() // the server keeps its end open (half-open) until it answers
        await until(() => client.writableFinished, 'the FIN sent')
      })
      await until(() => app.socketPlaces(LOCAL) === 0, 'the place given back')
    })

    it('gives back the places of refused upgrades (no session, a malformed cookie)', async () => {
      const refused = [
        await rawUpgrade(app, { Cookie: 'parley_session=nope', Origin: app.url }),
        await rawUpgrade(app, { Cookie: 'parley_session=%E0', Origin: app.url }),
      ]
      await Promise.all(refused.map((c) => c.ended))
      await until(() => app.socketPlaces(LOCAL) === 0, 'refused places given back')
    })
  })
}

// The rule does not depend on the backend, and the wait is long: the embedded one only.
describe('an upgrade stuck on the database', { timeout: 60_000 }, () => {
  let app: TestApp
  before(async () => {
    app = await startTestApp(backends()[0] as Backend, { DB_QUERY_TIMEOUT_MS: '60000' })
  })
  after(() => app?.close())

  it(`is refused with 503 after ${HANDSHAKE_MS / 1000} s, and its place given back at once`, async () => {
    const bo = await HttpUser.signUp(app.url, 'bo')
    await withDbHeld(app, async () => {
      const client = await rawUpgrade(app, { Cookie: bo.cookieHeader, Origin: app.url })
      await until(() => app.socketPlaces(LOCAL) === 1, 'the place reserved')
      const started = Date.now()
      await until(() => client.answer !== '', 'an answer', HANDSHAKE_MS + 10_000)
      assert.match(client.answer, /^HTTP\/1\.1 503 /)
      assert.ok(Date.now() - started >= HANDSHAKE_MS - 1000)
      assert.equal(app.socketPlaces(LOCAL), 0, 'given back while the database still holds the check')
    })
    await until(() => app.socketPlaces(LOCAL) === 0, 'still none once the check ends')
  })
})
