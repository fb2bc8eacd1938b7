import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { after, describe, it } from 'node:test'
import { sql } from 'kysely'
import pino from 'pino'
import { openStore } from '../../src/store/db.ts'
import { migrate, RENAMED } from '../../src/store/migrate.ts'
import { freshPgliteDataDir } from '../support/pglite-template.ts'

describe('a migration renamed after release', () => {
  const dirs: string[] = []
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true })
  })

  it('is not applied again to a database that applied it under its old name, which stays recorded', async () => {
    const dataDir = await freshPgliteDataDir()
    dirs.push(dataDir)
    const store = await openStore({ dataDir, log: pino({ level: 'silent' }) })
    try {
      // A database from before the rename: the migration is recorded under its old name.
      for (const [old, now] of Object.entries(RENAMED))
        await sql`UPDATE schema_migrations SET name = ${old} WHERE name = ${now}`.execute(store.db)
      assert.deepEqual(await migrate(store), [], 'nothing is applied again')
      const names = await sql<{ name: string }>`SELECT name FROM schema_migrations`.execute(store.db)
      const recorded = new Set(names.rows.map((r) => r.name))
      // A process of the release before, restarting meanwhile, must still find the name it knows.
      for (const old of Object.keys(RENAMED)) assert.ok(recorded.has(old), `${old} is still recorded`)
    } finally {
      await store.close()
    }
  })
})
