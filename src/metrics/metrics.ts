import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

/** What the live path reports, without knowing about Prometheus. */
export interface DeliveryStats {
  /** A frame went to `sockets` local sockets, `lagMs` after its message was stored (when known). */
  delivered(sockets: number, lagMs: number | undefined): void
}

export interface Metrics extends DeliveryStats {
  registry: Registry
  messageStored(): void
  busReconnected(): void
  /** Where the gauges read from, set once the parts exist. */
  watch(sources: { openSockets(): number; dbWaiting(): number }): void
}

/** One registry per server (tests run several in one process), in Prometheus text format at GET /metrics. */
export function createMetrics(): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'parley_' })
  let sources = { openSockets: () => 0, dbWaiting: () => 0 }
  new Gauge({
    name: 'parley_open_sockets',
    help: 'WebSockets open on this node',
    registers: [registry],
    collect() {
      this.set(sources.openSockets())
    },
  })
  new Gauge({
    name: 'parley_db_pool_waiting',
    help: 'Queries waiting for a Postgres connection',
    registers: [registry],
    collect() {
      this.set(sources.dbWaiting())
    },
  })
  const stored = new Counter({
    name: 'parley_messages_stored_total',
    help: 'Messages stored by this node',
    registers: [registry],
  })
  const frames = new Counter({
    name: 'parley_frames_delivered_total',
    help: 'Frames sent to sockets of this node',
    registers: [registry],
  })
  const reconnects = new Counter({
    name: 'parley_bus_reconnects_total',
    help: 'Times the Redis subscriber came back',
    registers: [registry],
  })
  const lag = new Histogram({
    name: 'parley_delivery_lag_seconds',
    help: 'From a message being stored to its frame going out on this node',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  })
  return {
    registry,
    messageStored: () => stored.inc(),
    busReconnected: () => reconnects.inc(),
    delivered(sockets, lagMs) {
      if (sockets > 0) frames.inc(sockets)
      if (lagMs !== undefined) lag.observe(Math.max(0, lagMs) / 1000)
    },
    watch(next) {
      sources = next
    },
  }
}
