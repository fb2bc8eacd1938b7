import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp } from './app.ts'
import type { Bus } from './bus/bus.ts'
import { memoryBus } from './bus/memory.ts'
import { redisBus } from './bus/redis.ts'
import { type Clock, systemClock } from './clock.ts'
import type { Config } from './config.ts'
import { memoryLimiter } from './limits/memory.ts'
import { redisLimiter } from './limits/redis.ts'
import { rulesFrom } from './limits/rules.ts'
import type { Logger } from './log.ts'
import { createMetrics } from './metrics/metrics.ts'
import { memoryPresence } from './presence/memory.ts'
import { redisPresence } from './presence/redis.ts'
import { createRealtime } from './realtime/index.ts'
import { SEND_GRACE_MS, stopInOrder } from './shutdown.ts'
import type { Store } from './store/db.ts'
import { openMigratedStore } from './store/migrate.ts'
import { deleteExpiredSessions } from './store/sessions.repo.ts'
import { settingOrInsert } from './store/settings.repo.ts'

export interface Running {
  server: Server
  url: string
  store: Store
  bus: Bus
  /** Socket places an address holds on this node (open sockets and upgrades under way). */
  socketPlaces(ip: string): number
  /** Graceful stop: refuse new work, close sockets with 1012, finish in-flight sends, close bus and db. */
  stop(): Promise<void>
}

/**
 * Opens the store (migrating it) and the bus, then serves HTTP and WebSockets on one port. `clock` times
 * sessions, reset links, device cookies and the in-process limiter (tests pass one they move by hand).
 */
export async function startServer(config: Config, log: Logger, clock: Clock = systemClock): Promise<Running> {
  const { store, applied } = await openMigratedStore(config, log)
  if (applied.length) log.info({ applied }, 'migrations applied')
  // Without SECRET, one random secret is kept in the database, so every node signs CSRF tokens alike.
  const secret =
    config.secret ?? (await settingOrInsert(store.db, 'secret', randomBytes(32).toString('base64url')))
  const bus = config.redisUrl ? await redisBus(config.redisUrl, log) : memoryBus()
  const limiter = config.redisUrl
    ? await redisLimiter(config.redisUrl, config.busPrefix, log)
    : memoryLimiter(clock)
  const rules = rulesFrom(config)
  const metrics = createMetrics()
  const presence = config.redisUrl
    ? await redisPresence(config.redisUrl, config.busPrefix, randomBytes(6).toString('hex'), log)
    : memoryPresence()
  const realtime = createRealtime({
    config,
    log,
    db: store.db,
    bus,
    secret,
    limiter,
    rules,
    metrics,
    presence,
    clock,
  })
  metrics.watch({ openSockets: () => realtime.hub.clients.size, dbWaiting: () => store.waiting() })
  const health = async () => ({ db: await store.ping(), bus: bus.healthy() })
  const app = createApp({
    config,
    log,
    db: store.db,
    announce: realtime.announce,
    limiter,
    rules,
    secret,
    clock,
    health,
    metrics: metrics.registry,
  })
  const server = createServer(app.callback())
  realtime.attach(server)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, config.host, resolve)
  })
  const sweep = setInterval(
    () => deleteExpiredSessions(store.db, new Date(clock.now())).catch(() => {}),
    3_600_000,
  )
  sweep.unref()
  const { port } = server.address() as AddressInfo
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  log.info({ url: `http://${host}:${port}`, db: store.kind, bus: bus.kind }, 'parley listening')

  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(sweep)
      const http = new Promise((resolve) => server.close(resolve))
      server.closeIdleConnections()
      // The sockets' sends under way finish and are answered, then the sockets close with 1012.
      await stopInOrder({
        sockets: realtime.stop(SEND_GRACE_MS),
        http,
        cutHttp: () => server.closeAllConnections(),
        closeBackends: async () => {
          await bus.close()
          await limiter.close?.()
          await presence.close()
          await store.close()
        },
      })
      log.info('parley stopped')
    })()
    return stopping
  }
  const socketPlaces = (ip: string) => realtime.hub.ips.taken(ip)
  return { server, url: `http://${host}:${port}`, store, bus, socketPlaces, stop }
}
