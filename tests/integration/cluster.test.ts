import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { Redis } from 'ioredis'
import { NEEDS_SERVICES, servicesBackend } from '../support/backends.ts'
import { clusterFixture, expectExactly, HttpUser, send, startNodes, tally } from '../support/cluster.ts'
import { openSocket, pushedBodies, pushedSeqs, type TestSocket } from '../support/socket.ts'

const services = servicesBackend()

describe('several nodes on one Postgres and one Redis', {
  timeout: 120_000,
  skip: services ? false : NEEDS_SERVICES,
}, () => {
  const fx = clusterFixture(services as NonNullable<typeof services>)
  const { nodes, sockets, freshEnv } = fx
  after(() => fx.teardown())

  it('delivers every message of a room to every node, in seq order, and nothing of another room', async (t) => {
    nodes.push(...(await startNodes(await freshEnv(), 3)))
    const admin = await HttpUser.signUp(nodes[0]?.url as string, 'admin')
    await admin.post('/rooms', { name: 'Beta' })
    const rooms = ['general', 'beta']
    const perSender = 15
    const clients: Array<{ socket: TestSocket; room: string; user: HttpUser; node: number }> = []
    for (const [i, node] of nodes.entries()) {
      const user = await HttpUser.signUp(node.url, `user${i}`)
      for (const room of rooms)
        clients.push({ socket: await openSocket(user, room, { base: node.url }), room, user, node: i })
    }
    sockets.push(...clients.map((c) => c.socket))
    const sent = new Map<string, string[]>(rooms.map((r) => [r, []]))
    for (let k = 0; k < perSender; k++) {
      for (const c of clients) {
        const body = `${c.room} from node ${c.node} #${k}`
        sent.get(c.room)?.push(body)
        send(c.socket, c.user, body)
      }
    }
    const total = nodes.length * perSender
    for (const c of clients) {
      await expectExactly(c.socket, total, `${c.room} on node ${c.node}`)
      const bodies = [...pushedBodies(c.socket).values()]
      assert.deepEqual(
        [...bodies].sort(),
        [...(sent.get(c.room) ?? [])].sort(),
        'exactly the room’s messages',
      )
      assert.equal(tally(c.socket, sent.get(c.room) ?? []).lost, 0)
    }
    t.diagnostic(
      `3 nodes, 2 rooms, ${clients.length} clients: sent ${2 * total}; each client received ${total} of its room's ${total}; lost 0, duplicated 0, leaked 0`,
    )
  })

  it('subscribes a node to a room only while one of its sockets is in it', async () => {
    const env = await freshEnv()
    const [node] = await startNodes(env, 1)
    if (!node) throw new Error('a node expected')
    nodes.push(node)
    const redis = new Redis(env.REDIS_URL as string)
    const channels = () => redis.pubsub('CHANNELS', `${env.BUS_PREFIX}room:*`)
    try {
      const user = await HttpUser.signUp(node.url, 'watcher')
      assert.deepEqual(await channels(), [])
      const settle = async (want: number) => {
        const deadline = Date.now() + 5000
        while ((await channels()).length !== want && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 50))
      }
      const socket = await openSocket(user, 'general', { base: node.url })
      await settle(1)
      assert.deepEqual(await channels(), [`${env.BUS_PREFIX}room:1`])
      await socket.close()
      await settle(0)
      assert.deepEqual(await channels(), [])
    } finally {
      redis.disconnect()
    }
  })

  it('lets the clients of a killed node (SIGKILL) reconnect to another and catch up with no gap', async (t) => {
    const [a, b] = await startNodes(await freshEnv(), 2)
    if (!a || !b) throw new Error('two nodes expected')
    nodes.push(a, b)
    const admin = await HttpUser.signUp(a.url, 'killadmin')
    await admin.post('/rooms', { name: 'Kill room' })
    const reader = await HttpUser.signUp(a.url, 'reader')
    const writer = await HttpUser.signUp(b.url, 'writer')
    const onA = await openSocket(reader, 'kill-room', { base: a.url })
    const onB = await openSocket(writer, 'kill-room', { base: b.url })
    sockets.push(onA, onB)
    const bodies: string[] = []
    const write = (n: number) => {
      for (let i = 0; i < n; i++) {
        const body = `kill test ${bodies.length + 1}`
        bodies.push(body)
        send(onB, writer, body)
      }
    }
    write(5)
    await expectExactly(onA, 5, 'reader before the kill')
    a.child.kill('SIGKILL')
    const closed = await onA.closed
    assert.equal(closed.code, 1006, 'an abnormal close: htmx reconnects')
    write(6)
    await expectExactly(onB, 11, 'writer while the reader is away')
    // The page reconnects to any node and says what it has.
    const again = await openSocket(reader, 'kill-room', {
      base: b.url,
      lastSeq: Math.max(...pushedSeqs(onA)),
    })
    sockets.push(again)
    write(2)
    await again.waitFor(() => pushedSeqs(again).length >= 8, 'replay and live')
    const seen = [...pushedSeqs(onA), ...pushedSeqs(again)]
    assert.deepEqual(
      seen,
      Array.from({ length: 13 }, (_, i) => i + 1),
      'every message once, in order',
    )
    t.diagnostic(
      `SIGKILL: sent 13; the reader saw 5 before the kill, then 6 replayed + 2 live on the other node; lost 0, duplicated 0`,
    )
  })
})
