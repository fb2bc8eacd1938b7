import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Config } from '../config.ts'
import type { Logger } from '../log.ts'
import { openStore, type Store } from './db.ts'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url))
const NAME = /^\d{14}_[a-z0-9_]+\.sql$/
/**
 * Migrations renamed after release (old name → new name): one recorded under its old name counts as applied
 * under the new one, so it is never applied twice. The record itself is left as it is, so that a process of
 * the release before, restarting during a rolling upgrade, still finds the name it knows.
 */
export const RENAMED: Record<string, string> = {
  '20261124010000_everyday.sql': '20261124010000_read_marks_and_search.sql',
}

/** Applies every migrations/*.sql not yet applied, in name order, each in its own transaction. */
export async function migrate(store: Store, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort()
  for (const f of files) {
    if (!NAME.test(f)) throw new Error(`migration file name ${f} must look like 20260101000000_what.sql`)
  }
  return store.withMigrationLock(async (exec) => {
    await exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    )
    const applied = new Set((await exec('SELECT name FROM schema_migrations')).map((r) => String(r.name)))
    for (const [old, now] of Object.entries(RENAMED)) if (applied.has(old)) applied.add(now)
    const done: string[] = []
    for (const file of files) {
      if (applied.has(file)) continue
      const body = await readFile(path.join(dir, file), 'utf8')
      try {
        await exec(`BEGIN;\n${body}\n;\nINSERT INTO schema_migrations (name) VALUES ('${file}');\nCOMMIT;`)
      } catch (err) {
        await exec('ROLLBACK').catch(() => {})
        throw new Error(`migration ${file} failed: ${(err as Error).message}`)
      }
      done.push(file)
    }
    return done
  })
}

/** The store every entry point uses: opened, then migrated to the latest schema. */
export async function openMigratedStore(
  config: Pick<Config, 'databaseUrl' | 'databaseSchema' | 'dataDir'> & Partial<Pick<Config, 'db'>>,
  log: Logger,
): Promise<{ store: Store; applied: string[] }> {
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    schema: config.databaseSchema,
    dataDir: config.dataDir,
    log,
    ...config.db,
  })
  try {
    return { store, applied: await migrate(store) }
  } catch (err) {
    await store.close()
    throw err
  }
}
