import { rm } from 'node:fs/promises'
import pg from 'pg'
import pino from 'pino'
import { readConfig } from '../../src/config.ts'
import { type Running, startServer } from '../../src/server.ts'
import { assertReachable, type Backend, uniqueName } from './backends.ts'
import { freshPgliteDataDir } from './pglite-template.ts'

export interface TestApp extends Running {
  backend: Backend
  /** Environment that starts another node (or a restart) on the same database and bus. */
  env: Record<string, string>
  /** Stops the server and drops its data (schema or directory). */
  close(): Promise<void>
}

/**
 * The real server on a free port: PGlite from a migrated template, or a fresh schema in Postgres and a
 * fresh bus prefix in Redis, so test files never see each other's rooms or frames.
 */
export async function startTestApp(
  backend: Backend,
  extraEnv: Record<string, string> = {},
): Promise<TestApp> {
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  }
  let cleanup: () => Promise<void>
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
    cleanup = () => dropSchema(backend.databaseUrl as string, schema)
  } else {
    const dataDir = await freshPgliteDataDir()
    env.DATA_DIR = dataDir
    cleanup = () => rm(dataDir, { recursive: true, force: true })
  }
  Object.assign(env, extraEnv)
  const running = await startServer(readConfig(env), pino({ level: env.LOG_LEVEL ?? 'silent' }))
  return {
    ...running,
    backend,
    env,
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
