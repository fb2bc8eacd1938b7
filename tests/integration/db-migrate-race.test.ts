import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { after, describe, it } from 'node:test'
import pg from 'pg'
import pino from 'pino'
import { MIGRATIONS_DIR, openMigratedStore } from '../../src/store/migrate.ts'
import { assertReachable, NEEDS_SERVICES, servicesBackend, uniqueName } from '../support/backends.ts'

const services = servicesBackend()
const log = pino({ level: 'silent' })

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  } finally {
    await client.end()
  }
}

describe('nodes starting together on a new schema', { skip: services ? false : NEEDS_SERVICES }, () => {
  const url = services?.databaseUrl as string
  const schemas: string[] = []
  after(async () => {
    for (const s of schemas) await dropSchema(url, s)
  })

  it('all start, and each migration is applied once', async (t) => {
    await assertReachable(url)
    const files = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql'))
    // Several rounds: the race on the schema's creation is narrow, and one round may miss it.
    for (let round = 0; round < 5; round++) {
      const schema = uniqueName('mig')
      schemas.push(schema)
      const config = { databaseUrl: url, databaseSchema: schema, dataDir: '/nonexistent' }
      const results = await Promise.allSettled(
        Array.from({ length: 4 }, () => openMigratedStore(config, log)),
      )
      const stores = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
      try {
        const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []))
        assert.deepEqual(failures, [], `round ${round}: every node starts`)
        const applied = stores.map((s) => s.applied.length)
        assert.equal(
          applied.reduce((a, b) => a + b, 0),
          files.length,
          'the migrations are applied by one node only',
        )
        const first = stores[0]?.store
        if (!first) throw new Error('a store expected')
        const rows = await first.withMigrationLock((exec) =>
          exec('SELECT name, count(*)::int AS n FROM schema_migrations GROUP BY name ORDER BY name'),
        )
        assert.deepEqual(
          rows.map((r) => [r.name, r.n]),
          files.sort().map((f) => [f, 1]),
          'each migration recorded once',
        )
      } finally {
        for (const s of stores) await s.store.close()
      }
    }
    t.diagnostic(
      '5 rounds of 4 nodes migrating a fresh schema at once: all started, each migration applied once',
    )
  })
})
