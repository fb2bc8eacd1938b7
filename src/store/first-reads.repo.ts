import { type Kysely, sql, type Transaction } from 'kysely'
import type { Database } from './schema.ts'

type Db = Kysely<Database> | Transaction<Database>

/**
 * A person who gains access to a room starts with it read up to now (as a new account does, users.repo.ts),
 * not with its whole history unread. Only a missing read mark is created, at the room's last seq: an existing
 * one is never moved, either way. One function per way into a room (room-access.ts): added as a member, the
 * room made open, made an admin. Call them in the change's transaction, before or after it as each says.
 */

/** After adding someone to a room's members. */
export async function startReadAsMember(db: Db, roomId: number, userId: number): Promise<void> {
  await sql`INSERT INTO room_reads (user_id, room_id, last_read_seq)
    SELECT ${userId}, id, last_seq FROM rooms WHERE id = ${roomId} AND private
    ON CONFLICT (user_id, room_id) DO NOTHING`.execute(db)
}

/** After a private room is made open: everyone who could not read it (not an admin, not a member). */
export async function startReadAsOpened(db: Db, roomId: number): Promise<void> {
  await sql`INSERT INTO room_reads (user_id, room_id, last_read_seq)
    SELECT u.id, r.id, r.last_seq FROM rooms r CROSS JOIN users u
    WHERE r.id = ${roomId} AND u.role <> 'admin'
      AND NOT EXISTS (SELECT 1 FROM room_members rm WHERE rm.room_id = r.id AND rm.user_id = u.id)
    ON CONFLICT (user_id, room_id) DO NOTHING`.execute(db)
}

/** Before someone is made an admin (nothing if they are one already): the private rooms they were not in. */
export async function startReadAsAdmin(db: Db, userId: number): Promise<void> {
  await sql`INSERT INTO room_reads (user_id, room_id, last_read_seq)
    SELECT u.id, r.id, r.last_seq FROM users u JOIN rooms r ON r.private
    WHERE u.id = ${userId} AND u.role <> 'admin'
      AND NOT EXISTS (SELECT 1 FROM room_members rm WHERE rm.room_id = r.id AND rm.user_id = u.id)
    ON CONFLICT (user_id, room_id) DO NOTHING`.execute(db)
}
