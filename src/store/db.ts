import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import pg from 'pg'
import type { Logger } from '../log.ts'
import { pgliteParsers, pgTypes } from './int8.ts'
import type { Database } from './schema.ts'

export type Rows = Record<string, unknown>[]
/** Runs a multi-statement SQL script; resolves to the rows of its last statement. */
export type Exec = (script: string) => Promise<Rows>

export interface Store {
  db: Kysely<Database>
  kind: 'postgres' | 'pglite'
  /** Runs `fn` holding the migration lock, so nodes starting together migrate once. */
  withMigrationLock<T>(fn: (exec: Exec) => Promise<T>): Promise<T>
  ping(): Promise<boolean>
  /** Queries waiting for a connection (always 0 for PGlite's single one). */
  waiting(): number
  close(): Promise<void>
}

export interface StoreOptions {
  databaseUrl?: string | undefined
  schema?: string | undefined
  dataDir: string
  log: Logger
}

const MIGRATION_LOCK = 7_245_001

export async function openStore(opts: StoreOptions): Promise<Store> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.schema, opts.log) : openPglite(opts.dataDir)
}

function openPostgres(url: string, schema: string | undefined, log: Logger): Store {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 10_000,
    types: pgTypes,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  })
  // A client whose connection dies emits 'error': when idle through the pool, when checked out on the client
  // itself (its query fails anyway). Without a listener either one would crash the process.
  pool.on('error', (err) => log.warn({ err: err.message }, 'postgres idle client error'))
  pool.on('connect', (client) => {
    client.on('error', (err) => log.warn({ err: err.message }, 'postgres connection lost'))
  })
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  return {
    db,
    kind: 'postgres',
    async withMigrationLock(fn) {
      const client = await pool.connect()
      const exec: Exec = async (script) => {
        const res = (await client.query(script)) as unknown as pg.QueryResult | pg.QueryResult[]
        return (Array.isArray(res) ? (res.at(-1)?.rows ?? []) : res.rows) as Rows
      }
      try {
        // The lock first: CREATE SCHEMA IF NOT EXISTS is not safe against itself (two nodes starting on a new
        // schema at once: one fails on pg_namespace's unique key), so only the lock holder creates it.
        await exec(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`)
        if (schema) await exec(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
        try {
          return await fn(exec)
        } finally {
          await exec(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`)
        }
      } finally {
        client.release()
      }
    },
    ping: () => pingDb(db),
    waiting: () => pool.waitingCount,
    close: () => db.destroy(),
  }
}

async function openPglite(dataDir: string): Promise<Store> {
  const dir = path.join(dataDir, 'pglite')
  await mkdir(dir, { recursive: true })
  const pglite = new PGlite(dir, { parsers: pgliteParsers })
  await pglite.waitReady
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) })
  return {
    db,
    kind: 'pglite',
    // One process owns a PGlite directory, so there is nobody to race with.
    withMigrationLock: (fn) =>
      fn(async (script) => {
        const res = await pglite.exec(script)
        return (res.at(-1)?.rows ?? []) as Rows
      }),
    ping: () => pingDb(db),
    waiting: () => 0,
    close: () => db.destroy(),
  }
}

async function pingDb(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`SELECT 1`.execute(db)
    return true
  } catch {
    return false
  }
}
