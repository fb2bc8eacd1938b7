import path from 'node:path'
import { parseTrustProxy, type TrustProxy } from './forwarded.ts'

export interface Config {
  port: number
  host: string
  databaseUrl: string | undefined
  databaseSchema: string | undefined
  redisUrl: string | undefined
  busPrefix: string
  /**
   * The bus payload version this node writes: 1, or 0 (the formats of 0.1.0) while a rolling upgrade from
   * 0.1.0 is under way, so that its nodes, which read nothing else, still hear this one. Both are read.
   */
  busWireVersion: 0 | 1
  dataDir: string
  secret: string | undefined
  /** Origins allowed to open the socket; empty = the request's own origin. */
  publicOrigins: string[]
  /** Serve cookies with Secure (behind a TLS proxy). */
  secureCookies: boolean
  /** Whose X-Forwarded-For/-Proto/-Host to believe: nobody's, N proxy hops', or the listed proxies'. */
  trustProxy: TrustProxy
  sessionDays: number
  logLevel: string
  /** With it, GET /metrics wants `Authorization: Bearer <token>`; without it, only this machine may read it. */
  metricsToken: string | undefined
  limits: {
    /** Messages a person may send at once, and per 10 s on average. */
    messageBurst: number
    messagesPer10s: number
    /** Sign-in attempts per account and per IP address in 15 minutes. */
    loginsPer15m: number
    /** Open sockets from one IP address. */
    socketsPerIp: number
  }
  db: {
    /** Postgres: the longest a statement may take before it is cancelled (and the send answered). */
    queryTimeoutMs: number
    /** Postgres connections per node (at least 5: the message writer alone may use 4). */
    poolSize: number
  }
  ws: {
    heartbeatMs: number
    /** A socket whose unsent data passes this is cut (it reconnects and catches up). */
    maxBufferedBytes: number
  }
}

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`)
  }
  return n
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase()
  if (raw === undefined || raw === '') return fallback
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true
  if (['0', 'false', 'no', 'off'].includes(raw)) return false
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`)
}

function origins(raw: string | undefined): string[] {
  if (!raw) return []
  return raw.split(',').map((s) => {
    try {
      return new URL(s.trim()).origin
    } catch {
      throw new ConfigError(`PUBLIC_URL must be a comma-separated list of URLs, got "${s.trim()}"`)
    }
  })
}

function url(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | undefined {
  const raw = env[name]
  if (!raw) return undefined
  let parsed: URL
  try {
    parsed = new URL(raw)
  } catch {
    throw new ConfigError(`${name} is not a valid URL`)
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`)
  }
  return raw
}

function wireVersion(raw: string | undefined): 0 | 1 {
  if (raw === undefined || raw === '' || raw === '1') return 1
  if (raw === '0') return 0
  throw new ConfigError(`BUS_WIRE_VERSION must be 1, or 0 during a rolling upgrade from 0.1.0, got "${raw}"`)
}

function trustProxy(raw: string | undefined): TrustProxy {
  try {
    return parseTrustProxy(raw)
  } catch (err) {
    throw new ConfigError((err as Error).message)
  }
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const publicOrigins = origins(env.PUBLIC_URL)
  const httpsPublic = publicOrigins.some((o) => o.startsWith('https:'))
  const schema = env.DATABASE_SCHEMA
  if (schema !== undefined && schema !== '' && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ConfigError('DATABASE_SCHEMA must be a lower-case SQL identifier')
  }
  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    databaseSchema: schema || undefined,
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    busPrefix: env.BUS_PREFIX || 'parley:',
    busWireVersion: wireVersion(env.BUS_WIRE_VERSION),
    dataDir: path.resolve(env.DATA_DIR || 'data'),
    secret: env.SECRET || undefined,
    publicOrigins,
    secureCookies: bool(env, 'COOKIE_SECURE', httpsPublic),
    trustProxy: trustProxy(env.TRUST_PROXY),
    sessionDays: int(env, 'SESSION_DAYS', 30, 1, 3650),
    logLevel: env.LOG_LEVEL || 'info',
    metricsToken: env.METRICS_TOKEN || undefined,
    limits: {
      messageBurst: int(env, 'MESSAGE_BURST', 5, 1, 10_000),
      messagesPer10s: int(env, 'MESSAGES_PER_10S', 10, 1, 100_000),
      loginsPer15m: int(env, 'LOGINS_PER_15M', 10, 1, 100_000),
      socketsPerIp: int(env, 'SOCKETS_PER_IP', 50, 1, 1_000_000),
    },
    db: {
      queryTimeoutMs: int(env, 'DB_QUERY_TIMEOUT_MS', 10_000, 100, 600_000),
      poolSize: int(env, 'DB_POOL_SIZE', 10, 5, 1000),
    },
    ws: {
      heartbeatMs: int(env, 'WS_HEARTBEAT_SECONDS', 30, 1, 3600) * 1000,
      maxBufferedBytes: int(env, 'WS_MAX_BUFFERED_KB', 1024, 256, 1_048_576) * 1024,
    },
  }
}
