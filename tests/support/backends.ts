import { randomBytes } from 'node:crypto'
import net from 'node:net'

/** Where an integration test runs: the embedded defaults, or real Postgres + Redis. */
export interface Backend {
  name: string
  databaseUrl?: string
  redisUrl?: string
}

const CI = process.env.CI === 'true' || process.env.CI === '1'

function servicesFromEnv(): Backend | undefined {
  const databaseUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL
  const redisUrl = process.env.TEST_REDIS_URL || process.env.REDIS_URL
  if (!databaseUrl && !redisUrl) {
    if (CI)
      throw new Error('CI=true but TEST_DATABASE_URL/TEST_REDIS_URL are not set: CI must test real services')
    return undefined
  }
  if (!databaseUrl || !redisUrl) throw new Error('Set both TEST_DATABASE_URL and TEST_REDIS_URL (or neither)')
  return { name: 'postgres+redis', databaseUrl, redisUrl }
}

/** The suites every integration test file runs: always the embedded defaults, and the real services when set. */
export function backends(): Backend[] {
  const services = servicesFromEnv()
  return [{ name: 'pglite+memory' }, ...(services ? [services] : [])]
}

/**
 * Real Postgres + Redis for suites that cannot run on the embedded defaults (several processes share them).
 * Under CI it must be configured (it throws otherwise); elsewhere undefined means "skip, and say why".
 */
export function servicesBackend(): Backend | undefined {
  return servicesFromEnv()
}

export const NEEDS_SERVICES = 'needs real Postgres + Redis: set TEST_DATABASE_URL and TEST_REDIS_URL'

/** One backend for suites that need only one (browser tests): the real services when set. */
export function primaryBackend(): Backend {
  return servicesFromEnv() ?? { name: 'pglite+memory' }
}

/** Fails loudly (never skips) when a service the suite needs cannot be reached. */
export async function assertReachable(url: string): Promise<void> {
  const u = new URL(url)
  const port = Number(u.port || (u.protocol.startsWith('redis') ? 6379 : 5432))
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host: u.hostname, port, timeout: 3000 })
    socket.once('connect', () => {
      socket.destroy()
      resolve()
    })
    const fail = (why: string) => {
      socket.destroy()
      reject(new Error(`cannot reach ${u.protocol}//${u.hostname}:${port} (${why}): the suite needs it`))
    }
    socket.once('timeout', () => fail('timeout'))
    socket.once('error', (err) => fail(err.message))
  })
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`
}
