import { rm } from 'node:fs/promises'
import pg from 'pg'
import pino from 'pino'
import { type Clock, systemClock } from '../../src/clock.ts'
import { readConfig } from '../../src/config.ts'
import { type Running, startServer } from '../../src/server.ts'
import { assertReachable, type Backend, uniqueName } from './backends.ts'
import { freshPgliteDataDir } from './pglite-template.ts'

export interface TestApp extends Running {
  backend: Backend
  /** Environment that starts another node (or a restart) on the same database and bus. */
  env: Record<string, string>
  /** What its expiries, in-process limits, throttles and socket timers are timed by (see startTestApp). */
  clock: Clock
  /** Stops the server and drops its data (schema or directory). */
  close(): Promise<void>
}

/**
 * The environment for one isolated Parley: PGlite from a migrated template, or a fresh schema in Postgres and
 * a fresh bus prefix in Redis, so test files never see each other's rooms or frames.
 */
export async function isolatedEnv(
  backend: Backend,
): Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }> {
  // Tests send fast on purpose: the rate limits get their own tests, with their own (default) settings.
  const env: Record<string, string> = {
    MESSAGE_BURST: '1000',
    MESSAGES_PER_10S: '10000',
    LOGINS_PER_15M: '10000',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  }
  if (backend.databaseUrl && backend.redisUrl) {
    await assertReachable(backend.databaseUrl)
    await assertReachable(backend.redisUrl)
    const schema = uniqueName('t')
    Object.assign(env, {
      DATABASE_URL: backend.databaseUrl,
      DATABASE_SCHEMA: schema,
      REDIS_URL: backend.redisUrl,
      BUS_PREFIX: `${schema}:`,
    })
    return { env, cleanup: () => dropSchema(backend.databaseUrl as string, schema) }
  }
  const dataDir = await freshPgliteDataDir()
  env.DATA_DIR = dataDir
  return { env, cleanup: () => rm(dataDir, { recursive: true, force: true }) }
}

/**
 * The real server, in this process, on a free port of its own isolated database and bus. Pass a
 * `manualClock()` to move its sessions, in-process limits, read-mark and typing throttles and the socket's end
 * with its session on by hand ("a minute later": advance(60_000), which also runs the timers due by then).
 * Redis-backed limits, the heartbeat and realtime/'s other intervals still run on real time.
 */
export async function startTestApp(
  backend: Backend,
  extraEnv: Record<string, string> = {},
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<TestApp> {
  const { env, cleanup } = await isolatedEnv(backend)
  Object.assign(env, extraEnv)
  const running = await startServer(readConfig(env), pino({ level: env.LOG_LEVEL ?? 'silent' }), clock)
  return {
    ...running,
    backend,
    env,
    clock,
    async close() {
      await running.stop()
      await cleanup()
    },
  }
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  } finally {
    await client.end()
  }
}

/** Another node, in this process, on the same database and bus as `app` (real services only). */
export async function startSiblingNode(app: TestApp): Promise<Running> {
  if (!app.backend.databaseUrl) throw new Error('a second node needs Postgres + Redis')
  return startServer(readConfig(app.env), pino({ level: 'silent' }), app.clock)
}
