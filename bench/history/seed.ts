/**
 * Seeds a migrated Parley schema through SQL, not through the app: a few set-based INSERTs (generate_series
 * over an array of pre-made bodies), so a million messages take seconds rather than the hours the app would.
 * 200 rooms (every 10th private, with 100 members each), 2,000 people sharing one real password hash.
 */
import type pg from 'pg'
import { seedBodies } from './bodies.ts'
import { BUSY_SHARE, PEOPLE, READ_SHARE, ROOMS, VIEWER } from './shape.ts'

export interface Seeded {
  seconds: number
  messages: number
  /** Seconds per step: people and rooms, messages, the rebuilt indexes, read marks, VACUUM ANALYZE. */
  steps: Record<string, number>
}

/**
 * The seeded rows point only at rows seeded just before them, so their foreign-key triggers (one per key per
 * row: 2 million for a million messages) check nothing: skipped where allowed (a superuser), kept otherwise.
 */
async function skipForeignKeyChecks(c: pg.Client): Promise<void> {
  await c.query('SET session_replication_role = replica').catch(() => {})
}

/** Indexes that are not constraints (the search GIN, partial ones): dropped for the load, rebuilt once after. */
async function dropLooseIndexes(c: pg.Client): Promise<string[]> {
  const { rows } = await c.query<{ indexname: string; indexdef: string }>(`
    SELECT indexname, indexdef FROM pg_indexes i
    WHERE schemaname = current_schema() AND tablename = 'messages'
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c
        WHERE c.conname = i.indexname AND c.connamespace = current_schema()::regnamespace)`)
  for (const r of rows) await c.query(`DROP INDEX ${r.indexname}`)
  return rows.map((r) => r.indexdef)
}

async function seedPeopleAndRooms(c: pg.Client, passwordHash: string): Promise<void> {
  // The migration's "general" room goes: the bench wants exactly ROOMS rooms.
  await c.query('DELETE FROM rooms')
  await c.query(
    `INSERT INTO users (username, password_hash)
     SELECT 'p' || lpad(i::text, 4, '0'), $1 FROM generate_series(0, ${PEOPLE - 1}) i`,
    [passwordHash],
  )
  await c.query(`INSERT INTO rooms (slug, name, topic, private)
    SELECT 'room-' || i, 'Room ' || lpad(i::text, 3, '0'), 'seeded by npm run bench', i % 10 = 0
    FROM generate_series(1, ${ROOMS}) i`)
  await c.query(`INSERT INTO room_members (room_id, user_id)
    SELECT r.id, u.id FROM rooms r JOIN users u ON u.username LIKE 'p%'
    WHERE r.private AND ((u.id + r.id) % 20 = 0 OR u.username = '${VIEWER}')`)
}

/**
 * `count` messages over the rooms `first`..`last` (in id order): message i goes to the (i mod rooms)-th, with
 * that room's next seq, by anyone but the viewer, spread evenly over `spanS` seconds up to now.
 */
async function seedMessages(
  c: pg.Client,
  rooms: [number, number],
  count: number,
  spanS: number,
): Promise<void> {
  const [first, last] = rooms
  const width = last - first + 1
  await c.query(
    `WITH r AS (SELECT (array_agg(id ORDER BY id))[${first}:${last}] AS ids FROM rooms),
          u AS (SELECT array_agg(id ORDER BY username) AS ids FROM users WHERE username LIKE 'p%')
     INSERT INTO messages (room_id, seq, author_id, body, client_id, created_at)
     SELECT r.ids[(1 + i % ${width})::int], 1 + i / ${width}, u.ids[(2 + (i * 31) % ${PEOPLE - 1})::int],
       ($1::text[])[(1 + (i * 7919) % cardinality($1::text[]))::int], 'seed-' || i,
       now() - (${count} - i) * (${spanS / count} * interval '1 second')
     FROM r, u, generate_series(0::bigint, ${count - 1}) i`,
    [seedBodies()],
  )
}

/** Everyone has read nearly everything of what they can read; the viewer only the first tenth. */
async function seedReads(c: pg.Client): Promise<void> {
  await c.query(`INSERT INTO room_reads (user_id, room_id, last_read_seq)
    SELECT u.id, r.id, CASE WHEN u.username = '${VIEWER}' THEN floor(r.last_seq * ${READ_SHARE})
      ELSE greatest(r.last_seq - u.id % 50, 0) END
    FROM users u CROSS JOIN rooms r
    WHERE u.username LIKE 'p%' AND (NOT r.private
      OR EXISTS (SELECT 1 FROM room_members m WHERE m.room_id = r.id AND m.user_id = u.id))`)
}

/** Seeds `n` messages into the schema `c` is set to (search_path); the app must have migrated it. */
export async function seed(c: pg.Client, n: number, passwordHash: string): Promise<Seeded> {
  const started = performance.now()
  const steps: Record<string, number> = {}
  let last = started
  const step = (name: string) => {
    steps[name] = (performance.now() - last) / 1000
    last = performance.now()
  }
  await c.query("SET maintenance_work_mem = '256MB'")
  await skipForeignKeyChecks(c)
  await seedPeopleAndRooms(c, passwordHash)
  step('people+rooms')
  const loose = await dropLooseIndexes(c)
  // One busy room (the bench room, as a team's #general) holds a tenth of everything; the rest share the others.
  const busy = Math.floor(n * BUSY_SHARE)
  await seedMessages(c, [1, 1], busy, n * 3)
  await seedMessages(c, [2, ROOMS], n - busy, n * 3)
  await c.query(`UPDATE rooms SET last_seq = m.top
    FROM (SELECT room_id, max(seq) AS top FROM messages GROUP BY room_id) m WHERE m.room_id = rooms.id`)
  step('messages')
  for (const def of loose) await c.query(def)
  step('indexes')
  await seedReads(c)
  step('reads')
  // A long-lived database has been vacuumed: visibility map set, statistics current.
  await c.query('VACUUM ANALYZE messages, rooms, room_reads, room_members, users')
  step('vacuum')
  await c.query('RESET session_replication_role')
  return { seconds: (performance.now() - started) / 1000, messages: n, steps }
}
