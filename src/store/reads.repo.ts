import { type Kysely, sql } from 'kysely'
import { mentionPattern } from '../mentions.ts'
import type { Database } from './schema.ts'

export interface Unread {
  roomId: number
  /** Messages by others after the person's last read one, not deleted. */
  unread: number
  /** How many of those mention them. */
  mentions: number
}

/** Exact unread and mention counts for a person in the given rooms. */
export async function unreadCounts(
  db: Kysely<Database>,
  user: { id: number; username: string },
  roomIds: number[],
): Promise<Unread[]> {
  if (roomIds.length === 0) return []
  const { rows } = await sql<{ room_id: number; unread: string | number; mentions: string | number }>`
    SELECT r.id AS room_id,
      count(m.id) AS unread,
      count(m.id) FILTER (WHERE m.body ~* ${mentionPattern(user.username)}) AS mentions
    FROM rooms r
    LEFT JOIN room_reads rr ON rr.room_id = r.id AND rr.user_id = ${user.id}
    LEFT JOIN messages m ON m.room_id = r.id AND m.seq > coalesce(rr.last_read_seq, 0)
      AND m.deleted_at IS NULL AND m.author_id <> ${user.id}
    WHERE r.id IN (${sql.join(roomIds)})
    GROUP BY r.id`.execute(db)
  return rows.map((r) => ({ roomId: r.room_id, unread: Number(r.unread), mentions: Number(r.mentions) }))
}

/** Moves a person's read mark forward (never back, never past the room's newest event) in a room. */
export async function markRead(
  db: Kysely<Database>,
  userId: number,
  roomId: number,
  seq: number,
): Promise<void> {
  await sql`INSERT INTO room_reads (user_id, room_id, last_read_seq)
    SELECT ${userId}, id, least(${Math.min(seq, Number.MAX_SAFE_INTEGER)}, last_seq) FROM rooms WHERE id = ${roomId}
    ON CONFLICT (user_id, room_id)
    DO UPDATE SET last_read_seq = greatest(room_reads.last_read_seq, excluded.last_read_seq)`.execute(db)
}
