import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, describe, it } from 'node:test'
import pg from 'pg'
import { NEEDS_SERVICES, servicesBackend } from '../support/backends.ts'
import { clusterFixture, HttpUser, startNodes } from '../support/cluster.ts'
import { openSocket, pushedBodies, pushedSeqs, type TestSocket } from '../support/socket.ts'
import { TcpProxy } from '../support/tcp-proxy.ts'

const services = servicesBackend()
/** The node's query timeout in these tests, and what an answer may take beyond it (a connect timeout, load). */
const TIMEOUT_MS = 2000
const MARGIN_MS = 5000

/** /healthz's status, or 0 if it does not answer within 3 s (a health check that hangs is no health check). */
const health = (url: string) =>
  fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3000) }).then(
    (r) => r.status,
    () => 0,
  )

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = Date.now()
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return Date.now() - start
}

/** What a socket was answered (composer, or the state of one send), as opposed to the room's frames. */
const replies = (s: TestSocket) => s.frames.filter((f) => !f.startsWith('<!--seq '))

describe('a Postgres that goes silent', { timeout: 120_000, skip: services ? false : NEEDS_SERVICES }, () => {
  const fx = clusterFixture(services as NonNullable<typeof services>)
  after(() => fx.teardown())

  /** A node whose every database connection goes through a proxy of the test's own. */
  async function nodeBehindProxy() {
    const db = new URL((services as NonNullable<typeof services>).databaseUrl as string)
    const proxy = new TcpProxy(db.hostname, Number(db.port || 5432))
    await proxy.start()
    fx.cleanups.push(() => proxy.stop())
    const env = await fx.freshEnv()
    db.port = String(proxy.port)
    const [node] = await startNodes(
      { ...env, DATABASE_URL: db.toString(), DB_QUERY_TIMEOUT_MS: String(TIMEOUT_MS) },
      1,
    )
    if (!node) throw new Error('a node expected')
    fx.nodes.push(node)
    const ann = await HttpUser.signUp(node.url, 'ann')
    await ann.post('/rooms/general/messages', { body: 'before the silence', client_id: randomUUID() })
    const socket = await openSocket(ann, 'general', { base: node.url })
    fx.sockets.push(socket)
    await socket.waitFor(() => pushedSeqs(socket).length === 1, 'the catch-up')
    assert.equal(await health(node.url), 200)
    return { proxy, node, ann, socket }
  }

  it('answers sends within the query timeout, says 503 in /healthz, and recovers when it is back', async (t) => {
    const { proxy, node, ann, socket } = await nodeBehindProxy()
    proxy.blackhole()
    const sentAt = Date.now()
    const clientId = randomUUID()
    socket.sendMessage({ body: 'sent into the silence', client_id: clientId, _csrf: ann.csrf })
    await socket.waitFor(() => replies(socket).length === 1, 'an answer to the send', TIMEOUT_MS + MARGIN_MS)
    const answeredMs = Date.now() - sentAt
    assert.match(replies(socket)[0] ?? '', /sent into the silence/, 'the text is kept')
    const posted = await ann
      .request('/rooms/general/messages', {
        form: { _csrf: ann.csrf, body: 'posted into the silence', client_id: randomUUID() },
        headers: {},
      })
      .then((r) => r.status)
    assert.ok(posted >= 500, `the form post is answered with an error (${posted})`)
    const unhealthyMs = await until('/healthz says 503', async () => (await health(node.url)) === 503, 5000)

    await proxy.restore()
    const healthyMs = await until(
      '/healthz says 200 again',
      async () => (await health(node.url)) === 200,
      10_000,
    )
    socket.sendMessage({ body: 'sent into the silence', client_id: clientId, _csrf: ann.csrf })
    socket.sendMessage({ body: 'after the silence', client_id: randomUUID(), _csrf: ann.csrf })
    await socket.waitFor(() => pushedSeqs(socket).length === 3, 'the resend and a new message', 10_000)
    const page = (await ann.get('/rooms/general')).html
    assert.equal(page.split('sent into the silence').length - 1, 1, 'the resent message is stored once')
    t.diagnostic(
      `black hole: socket send answered in ${answeredMs} ms (query timeout ${TIMEOUT_MS} ms), form post ${posted}, /healthz 503 after ${unhealthyMs} ms; restored: /healthz 200 after ${healthyMs} ms, sends stored`,
    )
  })

  it('lets dead connections cost one timeout, not every send after them', async (t) => {
    const { proxy, ann, socket } = await nodeBehindProxy()
    // Several connections open and idle in the pool, as on a node that was busy a moment ago.
    await Promise.all(Array.from({ length: 8 }, () => ann.get('/rooms/general')))
    // The connections open now go silent (their NAT entries dropped); new ones work.
    proxy.blackhole({ newConnections: false })
    const start = Date.now()
    socket.sendMessage({ body: 'on a dead connection', client_id: randomUUID(), _csrf: ann.csrf })
    await socket.waitFor(() => replies(socket).length === 1, 'its answer', TIMEOUT_MS + MARGIN_MS)
    const firstMs = Date.now() - start
    const next = Date.now()
    for (let i = 0; i < 5; i++)
      socket.sendMessage({ body: `after the drop ${i}`, client_id: randomUUID(), _csrf: ann.csrf })
    // Well under one query timeout: none of them waits on a dead connection.
    const bodies = () =>
      [...pushedBodies(socket).values()].filter((b) => b.startsWith('after the drop')).length
    await socket.waitFor(() => bodies() === 5, 'the next 5 stored', TIMEOUT_MS)
    const nextMs = Date.now() - next
    t.diagnostic(
      `dropped connections: the send on one answered in ${firstMs} ms; the next 5 stored in ${nextMs} ms`,
    )
  })

  it('holds up only the room whose statement is stuck, not the other rooms of the node', async (t) => {
    const env = await fx.freshEnv()
    const [node] = await startNodes({ ...env, DB_QUERY_TIMEOUT_MS: String(TIMEOUT_MS * 3) }, 1)
    if (!node) throw new Error('a node expected')
    fx.nodes.push(node)
    const ann = await HttpUser.signUp(node.url, 'ann')
    await ann.post('/rooms', { name: 'elsewhere' })
    // Another session holds the general room's row: a statement storing there waits (as on a dead connection).
    const holder = new pg.Client({
      connectionString: services?.databaseUrl,
      options: `-c search_path=${env.DATABASE_SCHEMA}`,
    })
    await holder.connect()
    try {
      await holder.query('BEGIN')
      await holder.query(`SELECT 1 FROM rooms WHERE slug = 'general' FOR UPDATE`)
      const stuck = ann.post('/rooms/general/messages', {
        body: 'waits for its room',
        client_id: randomUUID(),
      })
      await new Promise((r) => setTimeout(r, 200))
      const start = Date.now()
      const other = await ann.post('/rooms/elsewhere/messages', {
        body: 'goes meanwhile',
        client_id: randomUUID(),
      })
      const otherMs = Date.now() - start
      assert.equal(other.status, 303, 'stored')
      assert.ok(otherMs < TIMEOUT_MS, `stored in ${otherMs} ms, not after the stuck statement`)
      await holder.query('ROLLBACK')
      assert.equal((await stuck).status, 303, 'the stuck one is stored once its room is free')
      t.diagnostic(
        `general's row locked elsewhere: a message to another room stored in ${otherMs} ms meanwhile`,
      )
    } finally {
      await holder.end()
    }
  })
})
