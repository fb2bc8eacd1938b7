import { readConfig } from '../config.ts'
import { createLogger } from '../log.ts'
import type { Store } from '../store/db.ts'
import { openMigratedStore } from '../store/migrate.ts'

/** The store a command-line tool works on: the same DATABASE_URL / DATA_DIR as the server, migrated. */
export async function openCliStore(): Promise<Store> {
  const config = readConfig()
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn')
  const { store, applied } = await openMigratedStore(config, log)
  for (const name of applied) console.log(`applied ${name}`)
  return store
}
