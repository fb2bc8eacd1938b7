/**
 * One seeded history: a fresh Postgres schema migrated by a real Parley process, seeded through SQL, the
 * viewer signed in over HTTP with the seeded hash, and a Kysely of our own on the schema that records every
 * query it runs (for the plans). `close` stops Parley and drops the schema.
 */
import { type CompiledQuery, Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { connectionConfig } from '../../src/store/pg-pool.ts'
import type { Database } from '../../src/store/schema.ts'
import { isolatedEnv } from '../../tests/support/app.ts'
import { HttpUser, PASSWORD } from '../../tests/support/http.ts'
import type { BenchOptions } from '../options.ts'
import { spawnParleyNode } from '../parley-node.ts'
import { RAISED, stopChild } from '../servers.ts'
import { type Seeded, seed } from './seed.ts'
import { BENCH_ROOM, VIEWER } from './shape.ts'

export interface World {
  url: string
  seeded: Seeded
  /** The viewer, signed in. */
  viewer: HttpUser
  viewerId: number
  /** The bench room's newest seq. */
  lastSeq: number
  db: Kysely<Database>
  /** Runs `work` and returns the queries it sent through `db`. */
  capture: (work: () => Promise<unknown>) => Promise<CompiledQuery[]>
  /** A plain connection on the schema. */
  sql: pg.Client
  close: () => Promise<void>
}

async function signIn(url: string, username: string): Promise<HttpUser> {
  const user = new HttpUser(url)
  await user.get('/login')
  const res = await user.post('/login', { username, password: PASSWORD })
  if (res.status !== 303) throw new Error(`sign-in of ${username} failed with ${res.status}`)
  return user
}

export async function openWorld(opts: BenchOptions, messages: number): Promise<World> {
  const backend = { name: 'postgres+redis', databaseUrl: opts.databaseUrl, redisUrl: opts.redisUrl }
  const { env, cleanup } = await isolatedEnv(backend)
  // Statements get a minute: at a million messages today's sidebar may need many seconds under load.
  const node = await spawnParleyNode({ ...env, ...RAISED, DB_QUERY_TIMEOUT_MS: '60000' })
  const conn = connectionConfig({ url: opts.databaseUrl, schema: env.DATABASE_SCHEMA })
  const sql = new pg.Client(conn)
  let recording: CompiledQuery[] | undefined
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: new pg.Pool({ ...conn, max: 4 }) as unknown as ConstructorParameters<
        typeof PostgresDialect
      >[0]['pool'],
    }),
    log: (event) => {
      recording?.push(event.query)
    },
  })
  const close = async () => {
    await stopChild(node.child, 30_000)
    await db.destroy()
    await sql.end().catch(() => {})
    await cleanup()
  }
  try {
    await sql.connect()
    // The one account made through the app: its Argon2 hash is every seeded person's (same password).
    await HttpUser.signUp(node.url, 'bench_admin')
    const { rows } = await sql.query<{ password_hash: string }>(
      "SELECT password_hash FROM users WHERE username = 'bench_admin'",
    )
    const seeded = await seed(sql, messages, rows[0]?.password_hash ?? '')
    const facts = await sql.query<{ id: number; last_seq: number }>(
      `SELECT (SELECT id FROM users WHERE username = '${VIEWER}') AS id,
        (SELECT last_seq FROM rooms WHERE slug = '${BENCH_ROOM}') AS last_seq`,
    )
    const { id, last_seq } = facts.rows[0] as { id: number; last_seq: number }
    const capture = async (work: () => Promise<unknown>) => {
      recording = []
      await work()
      const got = recording
      recording = undefined
      return got
    }
    const viewer = await signIn(node.url, VIEWER)
    return { url: node.url, seeded, viewer, viewerId: id, lastSeq: last_seq, db, capture, sql, close }
  } catch (err) {
    await close()
    throw err
  }
}
