import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, sql } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import type { Logger } from '../log.ts'
import { pgliteParsers } from './int8.ts'
import { openPostgres } from './pg-store.ts'
import type { Database } from './schema.ts'
import type { Rows, Store } from './store.ts'

export type { Exec, Rows, Store } from './store.ts'

export interface StoreOptions {
  databaseUrl?: string | undefined
  schema?: string | undefined
  dataDir: string
  log: Logger
  queryTimeoutMs?: number | undefined
  poolSize?: number | undefined
}

/** How long a statement may take (Postgres only), and how many connections a node keeps. */
export const DB_DEFAULTS = { queryTimeoutMs: 10_000, poolSize: 10 }

export async function openStore(opts: StoreOptions): Promise<Store> {
  if (!opts.databaseUrl) return openPglite(opts.dataDir)
  return openPostgres({
    url: opts.databaseUrl,
    schema: opts.schema,
    queryTimeoutMs: opts.queryTimeoutMs ?? DB_DEFAULTS.queryTimeoutMs,
    poolSize: opts.poolSize ?? DB_DEFAULTS.poolSize,
    log: opts.log,
  })
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
