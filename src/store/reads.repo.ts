import { type Kysely, sql } from 'kysely'
import { UNREAD_CAP } from '../unread-cap.ts'
import type { Database } from './schema.ts'

export interface Unread {
  roomId: number
  /** Messages by others after the person's last read one, not deleted: exact below UNREAD_CAP, else the cap. */
  unread: number
  /** How many of those mention them (store/mentions.repo.ts), capped the same way. */
  mentions: number
}

/**
 * Unread and mention counts for a person in the given rooms, at O(rooms × cap) whatever the history: per room,
 * at most UNREAD_CAP rows of the (room_id, seq) index past the read mark, and of message_mentions' (user_id,
 * room_id, seq) key (a deleted message's mentions are gone with it; the author is never among them).
 */
export async function unreadCounts(
  db: Kysely<Database>,
  user: { id: number },
  roomIds: number[],
): Promise<Unread[]> {
  if (roomIds.length === 0) return []
  const { rows } = await sql<{ room_id: number; unread: string | number; mentions: string | number }>`
    SELECT r.id AS room_id,
      (SELECT count(*) FROM (SELECT 1 FROM messages m
        WHERE m.room_id = r.id AND m.seq > coalesce(rr.last_read_seq, 0)
          AND m.deleted_at IS NULL AND m.author_id <> ${user.id}
        LIMIT ${UNREAD_CAP}) capped) AS unread,
      (SELECT count(*) FROM (SELECT 1 FROM message_mentions mm
        WHERE mm.user_id = ${user.id} AND mm.room_id = r.id AND mm.seq > coalesce(rr.last_read_seq, 0)
        LIMIT ${UNREAD_CAP}) capped) AS mentions
    FROM rooms r
    LEFT JOIN room_reads rr ON rr.room_id = r.id AND rr.user_id = ${user.id}
    WHERE r.id IN (${sql.join(roomIds)})`.execute(db)
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
