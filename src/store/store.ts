import type { Kysely } from 'kysely'
import type { Database } from './schema.ts'

export type Rows = Record<string, unknown>[]
/** Runs a multi-statement SQL script; resolves to the rows of its last statement. */
export type Exec = (script: string) => Promise<Rows>

/** What every backend of the store offers (Postgres in pg-store.ts, PGlite in db.ts): the port the rest uses. */
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
