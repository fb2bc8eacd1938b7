import type { Kysely } from 'kysely'
import type { Bus } from '../bus/bus.ts'
import type { RateLimiter, Rules } from '../chat/limits.ts'
import type { Announcer } from '../chat/types.ts'
import type { Clock } from '../clock.ts'
import type { Config } from '../config.ts'
import type { Logger } from '../log.ts'
import type { Metrics } from '../metrics/metrics.ts'
import type { PresenceStore } from '../presence/presence.ts'
import type { Database } from '../store/schema.ts'

export interface RealtimeDeps {
  config: Config
  log: Logger
  db: Kysely<Database>
  bus: Bus
  announce: Announcer
  limiter: RateLimiter
  rules: Rules
  secret: string
  metrics: Metrics
  presence: PresenceStore
  /** Times sessions (at the upgrade, and the socket's end), read marks and typing (see src/clock.ts). */
  clock: Clock
}
