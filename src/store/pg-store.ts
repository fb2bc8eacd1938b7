import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { connectionConfig, openPool, type PgPoolOptions } from './pg-pool.ts'
import type { Database } from './schema.ts'
import type { Exec, Rows, Store } from './store.ts'

const MIGRATION_LOCK = 7_245_001
/** /healthz asks the database at most this often, and waits at most PING_MS (or the query timeout) for it. */
const PING_EVERY_MS = 1000
const PING_MS = 2000

/** Parley's store on Postgres: a pool of bounded connections (see pg-pool.ts). */
export function openPostgres(opts: PgPoolOptions): Store {
  const guarded = openPool(opts)
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: guarded as unknown as ConstructorParameters<typeof PostgresDialect>[0]['pool'],
    }),
  })
  return {
    db,
    kind: 'postgres',
    withMigrationLock: (fn) => withMigrationLock(opts, fn),
    ping: cachedPing(async () => {
      const client = await guarded.connect()
      try {
        await client.query({ text: 'SELECT 1', query_timeout: Math.min(PING_MS, opts.queryTimeoutMs) })
      } finally {
        client.release()
      }
    }),
    waiting: () => guarded.pool.waitingCount,
    close: () => db.destroy(),
  }
}

/**
 * Migrations run on a connection of their own, without the pool's timeouts: waiting for another node's
 * migration, or rewriting a large table, may rightly take minutes. The lock comes first: CREATE SCHEMA IF NOT
 * EXISTS is not safe against itself (two nodes on a new schema at once: one fails on pg_namespace's key).
 */
async function withMigrationLock<T>(opts: PgPoolOptions, fn: (exec: Exec) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...connectionConfig(opts), connectionTimeoutMillis: 10_000 })
  client.on('error', (err) => opts.log.warn({ err: err.message }, 'postgres migration connection lost'))
  await client.connect()
  const exec: Exec = async (script) => {
    const res = (await client.query(script)) as unknown as pg.QueryResult | pg.QueryResult[]
    return (Array.isArray(res) ? (res.at(-1)?.rows ?? []) : res.rows) as Rows
  }
  try {
    await exec(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`)
    if (opts.schema) await exec(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`)
    return await fn(exec)
  } finally {
    // Closing the session releases its advisory lock.
    await client.end().catch(() => {})
  }
}

/** Whether the database answers, asked at most once per PING_EVERY_MS whatever the number of callers. */
function cachedPing(ask: () => Promise<void>): () => Promise<boolean> {
  let last = { at: 0, ok: true }
  let pending: Promise<boolean> | undefined
  return () => {
    if (Date.now() - last.at < PING_EVERY_MS) return Promise.resolve(last.ok)
    pending ??= ask()
      .then(
        () => true,
        () => false,
      )
      .then((ok) => {
        last = { at: Date.now(), ok }
        pending = undefined
        return ok
      })
    return pending
  }
}
