import type { Bus, BusHandler } from './bus.ts'

/** The single-node bus: delivery on the next tick, as a network bus would, never inside the publisher's call. */
export function memoryBus(): Bus {
  const handlers = new Map<string, BusHandler>()
  return {
    kind: 'memory',
    async publish(topic, payload) {
      queueMicrotask(() => handlers.get(topic)?.(payload))
    },
    async subscribe(topic, handler) {
      handlers.set(topic, handler)
    },
    async unsubscribe(topic) {
      handlers.delete(topic)
    },
    healthy: () => true,
    onReconnect() {
      // An in-process bus never drops out.
    },
    async close() {
      handlers.clear()
    },
  }
}
