import { type Kysely, sql } from 'kysely'
import { canRead } from './room-access.ts'
import type { Database } from './schema.ts'

export interface Hit {
  id: number
  seq: number
  roomSlug: string
  roomName: string
  author: string
  createdAt: Date
  /** The body with the matches between \u0001 and \u0002 (escaped and marked up by the renderer). */
  marked: string
}

/**
 * Full-text search over the messages of the rooms a person may read (room-access.ts), newest first. The
 * readable-rooms rule is in the query itself: nothing else is ever looked at. Newest first by id (ids grow
 * with time, as created_at does), which the primary key can give in order: for a word in many messages the
 * planner walks the newest backwards and stops at the limit, instead of sorting every match.
 */
export async function searchMessages(
  db: Kysely<Database>,
  userId: number,
  query: string,
  limit: number,
): Promise<Hit[]> {
  const q = sql`websearch_to_tsquery('simple', ${query})`
  const { rows } = await sql<Hit>`
    SELECT m.id, m.seq, rooms.slug AS "roomSlug", rooms.name AS "roomName", u.username AS author,
      m.created_at AS "createdAt",
      ts_headline('simple', m.body, ${q},
        'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', HighlightAll=true') AS marked
    FROM messages m
    JOIN rooms ON rooms.id = m.room_id
    JOIN users u ON u.id = m.author_id
    WHERE m.deleted_at IS NULL
      AND to_tsvector('simple', m.body) @@ ${q}
      AND ${canRead(userId)}
    ORDER BY m.id DESC
    LIMIT ${limit}`.execute(db)
  return rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt) }))
}

/** People whose name starts with `prefix` (case-insensitive) and who may read the room: for @suggestions. */
export async function namesLike(
  db: Kysely<Database>,
  roomId: number,
  prefix: string,
  limit: number,
): Promise<string[]> {
  const { rows } = await sql<{ username: string }>`
    SELECT u.username FROM users u JOIN rooms ON rooms.id = ${roomId}
    WHERE lower(u.username) LIKE ${`${prefix.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`}
      AND ${canRead(sql.ref<number>('u.id'))}
    ORDER BY lower(u.username) LIMIT ${limit}`.execute(db)
  return rows.map((r) => r.username)
}
