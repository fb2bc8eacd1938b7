import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { openStore } from '../../src/store/db.ts'
import { MIGRATIONS_DIR, migrate } from '../../src/store/migrate.ts'

const CACHE = path.resolve('.cache')

async function migrationsHash(): Promise<string> {
  const hash = createHash('sha256')
  for (const f of (await readdir(MIGRATIONS_DIR)).sort())
    hash.update(f).update(await readFile(path.join(MIGRATIONS_DIR, f)))
  return hash.digest('hex').slice(0, 12)
}

/**
 * A PGlite data directory, initialised and migrated once per schema version (initdb costs seconds and a
 * lot of memory), then copied for each test app. Returns a fresh DATA_DIR to hand to the app.
 */
export async function freshPgliteDataDir(): Promise<string> {
  const template = path.join(CACHE, `pglite-${await migrationsHash()}`)
  if (!existsSync(template)) {
    await mkdir(CACHE, { recursive: true })
    const building = await mkdtemp(path.join(CACHE, 'building-'))
    const store = await openStore({ dataDir: building, log: pino({ level: 'silent' }) })
    await migrate(store)
    await store.close()
    // Two test processes may race to build it: the first rename wins, the loser's copy is dropped.
    await rename(building, template).catch(() => rm(building, { recursive: true, force: true }))
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-test-'))
  await cp(template, dataDir, { recursive: true })
  return dataDir
}
