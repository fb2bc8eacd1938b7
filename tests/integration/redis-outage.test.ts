import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { NEEDS_SERVICES, servicesBackend } from '../support/backends.ts'
import { clusterFixture, expectExactly, HttpUser, send, startNodes, tally } from '../support/cluster.ts'
import { freePort, hasRedisServer, RedisServer } from '../support/redis-server.ts'
import { openSocket, type TestSocket } from '../support/socket.ts'

const services = servicesBackend()
const CI = process.env.CI === 'true'
const noRedisBinary = !hasRedisServer() && !CI && 'needs a redis-server binary to kill'

/** When each message body first reached a socket (ms, this process's clock). */
function arrivals(socket: TestSocket): Map<string, number> {
  const seen = new Map<string, number>()
  socket.ws.on('message', (data) => {
    const now = Date.now()
    for (const m of data.toString().matchAll(/<p class="body">([\s\S]*?)<\/p>/g))
      if (!seen.has(m[1] as string)) seen.set(m[1] as string, now)
  })
  return seen
}

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0

describe('while Redis is down', { timeout: 120_000, skip: services ? false : NEEDS_SERVICES }, () => {
  const fx = clusterFixture(services as NonNullable<typeof services>)
  after(() => fx.teardown())

  it("shows each node's own messages live (the other node's repaired in one read), and every socket ends with all, once, in order", {
    skip: noRedisBinary,
  }, async (t) => {
    const redis = new RedisServer(await freePort())
    await redis.start()
    fx.cleanups.push(() => redis.kill())
    const env = await fx.freshEnv()
    const [a, b] = await startNodes({ ...env, REDIS_URL: redis.url }, 2)
    if (!a || !b) throw new Error('two nodes expected')
    fx.nodes.push(a, b)
    const ann = await HttpUser.signUp(a.url, 'ann')
    const bob = await HttpUser.signUp(b.url, 'bob')
    const [annOnA, bobOnB, bobOnA, annOnB] = [
      await openSocket(ann, 'general', { base: a.url }),
      await openSocket(bob, 'general', { base: b.url }),
      await openSocket(bob, 'general', { base: a.url }),
      await openSocket(ann, 'general', { base: b.url }),
    ] as [TestSocket, TestSocket, TestSocket, TestSocket]
    fx.sockets.push(annOnA, bobOnB, bobOnA, annOnB)
    const seenOnA = arrivals(bobOnA)
    const seenOnB = arrivals(annOnB)
    await redis.kill()

    // ~10 s at a steady 20 messages/s, the two nodes taking turns: every other seq is the other node's.
    const sentAt = new Map<string, number>()
    const fromA: string[] = []
    const fromB: string[] = []
    for (let i = 0; i < 100; i++) {
      const body = `steady ${i}`
      sentAt.set(body, Date.now())
      if (i % 2 === 0) {
        fromA.push(body)
        send(annOnA, ann, body)
      } else {
        fromB.push(body)
        send(bobOnB, bob, body)
      }
      await new Promise((r) => setTimeout(r, 50))
    }
    const lag = (seen: Map<string, number>, bodies: string[]) =>
      bodies.map((body) => (seen.get(body) ?? Date.now()) - (sentAt.get(body) ?? 0))
    const lagA = lag(seenOnA, fromA)
    const lagB = lag(seenOnB, fromB)
    t.diagnostic(
      `Redis down: own-node lag on A p50 ${quantile(lagA, 0.5)} ms, p90 ${quantile(lagA, 0.9)} ms, max ${Math.max(...lagA)} ms; on B p50 ${quantile(lagB, 0.5)} ms, p90 ${quantile(lagB, 0.9)} ms, max ${Math.max(...lagB)} ms`,
    )
    for (const [node, lags] of [
      ['A', lagA],
      ['B', lagB],
    ] as const) {
      assert.ok(quantile(lags, 0.9) < 1000, `node ${node}: its own messages live (p90 under 1 s)`)
      assert.ok(Math.max(...lags) < 2500, `node ${node}: none held back for long`)
    }

    await redis.start()
    const sent = [...fromA, ...fromB]
    for (const [i, c] of [annOnA, bobOnB, bobOnA, annOnB].entries()) {
      await expectExactly(c, sent.length, `socket ${i}`, 30_000)
      assert.deepEqual(tally(c, sent), { received: sent.length, lost: 0, duplicated: 0 })
    }
  })
})
