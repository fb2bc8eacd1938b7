import { Redis } from 'ioredis'
import type { Logger } from '../log.ts'
import type { Bus, BusHandler } from './bus.ts'

/**
 * Redis pub/sub with two connections (a subscribed connection can do nothing else). ioredis reconnects and
 * resubscribes by itself; errors are logged, never thrown at the process.
 */
export async function redisBus(url: string, log: Logger): Promise<Bus> {
  // A publish fails fast while Redis is away (the message is stored; catch-up repairs delivery);
  // a subscribe waits in the offline queue and goes through once Redis is back.
  const pub = new Redis(url, { lazyConnect: true, connectionName: 'parley-pub', enableOfflineQueue: false })
  const sub = new Redis(url, { lazyConnect: true, connectionName: 'parley-sub', maxRetriesPerRequest: null })
  const handlers = new Map<string, BusHandler>()
  for (const [name, conn] of [
    ['pub', pub],
    ['sub', sub],
  ] as const) {
    conn.on('error', (err: Error) => log.warn({ conn: name, err: err.message }, 'redis error'))
    conn.on('reconnecting', () => log.info({ conn: name }, 'redis reconnecting'))
  }
  sub.on('message', (topic: string, payload: string) => handlers.get(topic)?.(payload))
  await Promise.all([pub.connect(), sub.connect()])
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
      if (sub.status === 'ready') await sub.unsubscribe(topic)
    },
    healthy: () => pub.status === 'ready' && sub.status === 'ready',
    async close() {
      handlers.clear()
      await Promise.allSettled([pub.quit(), sub.quit()])
    },
  }
}
