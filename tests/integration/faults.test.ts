import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, describe, it } from 'node:test'
import { sql } from 'kysely'
import { startTestApp } from '../support/app.ts'
import { NEEDS_SERVICES, servicesBackend } from '../support/backends.ts'
import { clusterFixture, expectExactly, HttpUser, send, startNodes, tally } from '../support/cluster.ts'
import { freePort, hasRedisServer, RedisServer } from '../support/redis-server.ts'
import { isAnswer, openSocket, pushedSeqs, type TestSocket } from '../support/socket.ts'
import { TcpProxy } from '../support/tcp-proxy.ts'

const services = servicesBackend()
const CI = process.env.CI === 'true'
const noRedisBinary = !hasRedisServer() && !CI && 'needs a redis-server binary to restart'

const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
const health = async (url: string) => (await fetch(`${url}/healthz`)).status

describe('surviving Redis and Postgres outages', {
  timeout: 120_000,
  skip: services ? false : NEEDS_SERVICES,
}, () => {
  const fx = clusterFixture(services as NonNullable<typeof services>)
  const { nodes, sockets, cleanups } = fx
  after(() => fx.teardown())

  it('keeps sending through a Redis restart, and every client ends with every message once', {
    skip: noRedisBinary,
  }, async (t) => {
    const redis = new RedisServer(await freePort())
    await redis.start()
    cleanups.push(() => redis.kill())
    const env = await fx.freshEnv()
    const [a, b] = await startNodes({ ...env, REDIS_URL: redis.url }, 2)
    if (!a || !b) throw new Error('two nodes expected')
    nodes.push(a, b)
    const ann = await HttpUser.signUp(a.url, 'ann')
    const bob = await HttpUser.signUp(b.url, 'bob')
    const clients = [
      await openSocket(ann, 'general', { base: a.url }),
      await openSocket(bob, 'general', { base: b.url }),
      await openSocket(ann, 'general', { base: b.url }),
      await openSocket(bob, 'general', { base: a.url }),
    ]
    sockets.push(...clients)
    const [onA, onB] = clients as [TestSocket, TestSocket]
    const sent: string[] = []
    const total = 40
    for (let i = 0; i < total; i++) {
      const body = `through the outage ${i}`
      sent.push(body)
      if (i % 2 === 0) send(onA, ann, body)
      else send(onB, bob, body)
      if (i === 12) await redis.kill()
      if (i === 26) await redis.start()
      await new Promise((r) => setTimeout(r, 40))
    }
    for (const [i, c] of clients.entries()) await expectExactly(c, total, `client ${i}`, 30_000)
    for (const c of clients)
      assert.equal(
        await Promise.race([c.closed.then(() => 'closed'), 'open']),
        'open',
        'no client reconnected',
      )
    const counts = clients.map((c) => tally(c, sent))
    for (const c of counts) assert.deepEqual(c, { received: total, lost: 0, duplicated: 0 })
    t.diagnostic(
      `Redis killed after 13 sends, back after 27: sent ${total}; each of 4 clients (2 nodes) received ${total}, lost 0, duplicated 0, none reconnected`,
    )
  })

  it('lets a page opened while Redis is down catch up and send', { skip: noRedisBinary }, async () => {
    const redis = new RedisServer(await freePort())
    await redis.start()
    cleanups.push(() => redis.kill())
    const env = await fx.freshEnv()
    const [node] = await startNodes({ ...env, REDIS_URL: redis.url }, 1)
    if (!node) throw new Error('a node expected')
    nodes.push(node)
    const ann = await HttpUser.signUp(node.url, 'ann')
    await ann.post('/rooms/general/messages', { body: 'before the outage', client_id: randomUUID() })
    await redis.kill()
    const socket = await openSocket(ann, 'general', { base: node.url })
    sockets.push(socket)
    send(socket, ann, 'during the outage')
    await expectExactly(socket, 2, 'history and the new message')
    assert.equal(await health(node.url), 200, 'degraded, not down')
    await redis.start()
  })

  it('survives a database connection that dies while checked out from the pool', async () => {
    const app = await startTestApp(services as NonNullable<typeof services>)
    try {
      const outcome = await app.store.db.connection().execute(async (conn) => {
        const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(conn)
        await sql`SELECT pg_terminate_backend(${rows[0]?.pid})`.execute(app.store.db)
        // The dead connection's 'error' event reaches the client while it is still checked out, here.
        await until('the server has closed it', async () => {
          const r = await sql`SELECT 1 FROM pg_stat_activity WHERE pid = ${rows[0]?.pid}`.execute(
            app.store.db,
          )
          return r.rows.length === 0
        })
        await new Promise((r) => setTimeout(r, 200))
        return sql`SELECT 1`.execute(conn).then(
          () => 'query ok',
          () => 'query failed',
        )
      })
      assert.equal(
        outcome,
        'query failed',
        'the dead connection fails its query instead of crashing the process',
      )
      assert.equal(await health(app.url), 200, 'and the pool carries on with fresh connections')
    } finally {
      await app.close()
    }
  })

  it('refuses sends clearly while Postgres is away, stores nothing half-way, and recovers by itself', async (t) => {
    const db = new URL((services as NonNullable<typeof services>).databaseUrl as string)
    const proxy = new TcpProxy(db.hostname, Number(db.port || 5432))
    await proxy.start()
    cleanups.push(() => proxy.stop())
    const env = await fx.freshEnv()
    db.port = String(proxy.port)
    const [node] = await startNodes({ ...env, DATABASE_URL: db.toString() }, 1)
    if (!node) throw new Error('a node expected')
    nodes.push(node)
    const ann = await HttpUser.signUp(node.url, 'ann')
    await ann.post('/rooms/general/messages', { body: 'before the outage', client_id: randomUUID() })
    const socket = await openSocket(ann, 'general', { base: node.url })
    sockets.push(socket)
    // The replay of message 1 shows the socket's catch-up is done before the database goes away.
    await socket.waitFor(() => pushedSeqs(socket).length === 1, 'the catch-up')
    assert.equal(await health(node.url), 200)

    await proxy.cut()
    await until('/healthz says 503', async () => (await health(node.url)) === 503)
    const clientId = randomUUID()
    socket.sendMessage({ body: 'sent during the outage', client_id: clientId, _csrf: ann.csrf })
    await socket.waitFor((f) => f.some((x) => x.includes('cannot reach its database')), 'the answer')
    const reply = socket.frames.find((x) => x.includes('cannot reach its database')) ?? ''
    // Not stored, and the page keeps it as a message on its way, to send again with the same key.
    assert.match(reply, /class="send retry"><span class="body">sent during the outage<\/span>/, 'kept')
    const posted = await ann.post('/rooms/general/messages', {
      body: 'posted during the outage',
      client_id: randomUUID(),
    })
    assert.equal(posted.status, 503)
    assert.match(posted.html, />posted during the outage<\/textarea>/)
    assert.match(posted.html, /Send again/)
    // Only a room's own address goes back into that form: another path gets the plain error page.
    const astray = await ann.post('/rooms/..%2F..%2Fadmin/messages', {
      body: 'astray',
      client_id: randomUUID(),
    })
    assert.doesNotMatch(astray.html, /Send again|action="\/rooms\/\.\./, 'no form aimed elsewhere')

    await proxy.restore()
    await until('/healthz says 200 again', async () => (await health(node.url)) === 200)
    socket.sendMessage({ body: 'sent during the outage', client_id: clientId, _csrf: ann.csrf })
    await socket.waitFor(() => pushedSeqs(socket).length === 2, 'the retried message')
    const composers = () => socket.frames.filter(isAnswer).length
    const answered = composers()
    socket.sendMessage({ body: 'sent during the outage', client_id: clientId, _csrf: ann.csrf })
    await socket.waitFor(() => composers() === answered + 1, 'the answer to a second retry')
    const page = await ann.get('/rooms/general')
    assert.equal(
      page.html.split('sent during the outage').length - 1,
      1,
      'stored once, even when retried twice',
    )
    assert.deepEqual(pushedSeqs(socket), [1, 2])
    t.diagnostic(
      'Postgres cut: /healthz 503, 1 socket send and 1 form post refused with the text kept, 0 stored; after restore the retry stored once (seq 2) and a second retry changed nothing',
    )
  })
})
