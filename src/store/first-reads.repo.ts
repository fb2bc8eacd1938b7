import { type Kysely, sql, type Transaction } from 'kysely'
import type { Database } from './schema.ts'

type Db = Kysely<Database> | Transaction<Database>

/**
 * A person who gains access to a room starts with it read up to now (as a new account does, users.repo.ts),
 * not with its history unread: their read mark is set to the room's last seq, or moved up to it (a mark from
 * before, such as the one every account gets at sign-up, or one kept from an earlier membership, would count
 * everything said since as unread). A mark never moves back. Only those who could not read the room before
 * are touched: whoever could keeps their unread. One function per way into a room (room-access.ts): added as
 * a member, the room made open, made an admin. Call them in the change's transaction, as each says.
 */

const UP_TO_NOW = sql`ON CONFLICT (user_id, room_id)
    DO UPDATE SET last_read_seq = greatest(room_reads.last_read_seq, excluded.last_read_seq)`

/** After adding someone to a private room's members (an admin could read it already: left as is). */
export async function startReadAsMember(db: Db, roomId: number, userId: number): Promise<void> {
  await sql`INSERT INTO room_reads (user_id, room_id, last_read_seq)
    SELECT u.id, r.id, r.last_seq FROM rooms r JOIN users u ON u.id = ${userId}
    WHERE r.id = ${roomId} AND r.private AND u.role <> 'admin'
    ${UP_TO_NOW}`.execute(db)
}

/** After a private room is made open: everyone who could not read it (not an admin, not a member). */
export async function startReadAsOpened(db: Db, roomId: number): Promise<void> {
  await sql`INSERT INTO room_reads (user_id, room_id, last_read_seq)
    SELECT u.id, r.id, r.last_seq FROM rooms r CROSS JOIN users u
    WHERE r.id = ${roomId} AND u.role <> 'admin'
      AND NOT EXISTS (SELECT 1 FROM room_members rm WHERE rm.room_id = r.id AND rm.user_id = u.id)
    ${UP_TO_NOW}`.execute(db)
}

/** Before someone is made an admin (nothing if they are one already): the private rooms they were not in. */
export async function startReadAsAdmin(db: Db, userId: number): Promise<void> {
  await sql`INSERT INTO room_reads (user_id, room_id, last_read_seq)
    SELECT u.id, r.id, r.last_seq FROM users u JOIN rooms r ON r.private
    WHERE u.id = ${userId} AND u.role <> 'admin'
      AND NOT EXISTS (SELECT 1 FROM room_members rm WHERE rm.room_id = r.id AND rm.user_id = u.id)
    ${UP_TO_NOW}`.execute(db)
}
