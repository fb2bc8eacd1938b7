import { Redis } from 'ioredis'
import type { Logger } from '../log.ts'
import type { Bus, BusHandler } from './bus.ts'

const PING_EVERY_MS = 15_000
const PING_TIMEOUT_MS = 5_000

/**
 * Redis pub/sub with two connections (a subscribed connection can do nothing else). ioredis reconnects by
 * itself; after a reconnect the topics are subscribed again and the listeners told, so nodes repair from
 * Postgres what was published while the connection was down. Errors are logged, never thrown at the process.
 */
export async function redisBus(url: string, log: Logger): Promise<Bus> {
  // A publish fails fast while Redis is away (the message is stored; repair delivers it later);
  // a subscribe waits in the offline queue and goes through once Redis is back.
  // Auto-pipelining: the publishes of one tick (a stored batch's frames) go to Redis in one write.
  const pub = new Redis(url, {
    lazyConnect: true,
    connectionName: 'parley-pub',
    enableOfflineQueue: false,
    enableAutoPipelining: true,
  })
  const sub = new Redis(url, { lazyConnect: true, connectionName: 'parley-sub', maxRetriesPerRequest: null })
  const handlers = new Map<string, BusHandler>()
  const reconnectListeners: Array<() => void> = []
  for (const [name, conn] of [
    ['pub', pub],
    ['sub', sub],
  ] as const) {
    conn.on('error', (err: Error) => log.warn({ conn: name, err: err.message }, 'redis error'))
    conn.on('reconnecting', () => log.info({ conn: name }, 'redis reconnecting'))
  }
  sub.on('message', (topic: string, payload: string) => handlers.get(topic)?.(payload))
  await Promise.all([pub.connect(), sub.connect()])

  sub.on('ready', async () => {
    log.info({ topics: handlers.size }, 'redis subscriber back')
    try {
      // Subscribing again is idempotent, and once it answers the subscriptions are surely in place.
      if (handlers.size > 0) await sub.subscribe(...handlers.keys())
      for (const listener of reconnectListeners) listener()
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'resubscribe failed')
    }
  })

  // A subscriber whose connection died silently (half-open TCP) would wait forever: ping it, and cut it if mute.
  const pinger = setInterval(() => {
    if (sub.status !== 'ready') return
    const timeout = new Promise((_, reject) =>
      setTimeout(() => reject(new Error('ping timeout')), PING_TIMEOUT_MS).unref(),
    )
    Promise.race([sub.ping(), timeout]).catch((err: Error) => {
      log.warn({ err: err.message }, 'redis subscriber unresponsive; reconnecting')
      sub.disconnect(true)
    })
  }, PING_EVERY_MS)
  pinger.unref()

  return {
    kind: 'redis',
    async publish(topic, payload) {
      await pub.publish(topic, payload)
    },
    async subscribe(topic, handler) {
      handlers.set(topic, handler)
      await sub.subscribe(topic)
    },
    async unsubscribe(topic) {
      handlers.delete(topic)
      await sub.unsubscribe(topic)
    },
    healthy: () => pub.status === 'ready' && sub.status === 'ready',
    onReconnect(listener) {
      reconnectListeners.push(listener)
    },
    async close() {
      clearInterval(pinger)
      handlers.clear()
      await Promise.allSettled([pub.quit(), sub.quit()])
    },
  }
}
