import { readConfig } from '../config.ts'
import { createLogger } from '../log.ts'
import { openStore, type Store } from '../store/db.ts'
import { migrate } from '../store/migrate.ts'

/** The store a command-line tool works on: the same DATABASE_URL / DATA_DIR as the server, migrated. */
export async function openCliStore(): Promise<Store> {
  const config = readConfig()
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn')
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    schema: config.databaseSchema,
    dataDir: config.dataDir,
    log,
  })
  const applied = await migrate(store)
  for (const name of applied) console.log(`applied ${name}`)
  return store
}
