import type { Kysely } from 'kysely'
import { isMember } from '../store/members.repo.ts'
import { findRoomByOldSlug, findRoomBySlug, listRoomsFor } from '../store/rooms.repo.ts'
import type { Database } from '../store/schema.ts'
import { NotFound } from './errors.ts'
import type { Room, User } from './types.ts'
import * as valid from './validate.ts'

type Db = Kysely<Database>

/** The rooms `viewer` can see, by name. */
export function rooms(db: Db, viewer: User): Promise<Room[]> {
  return listRoomsFor(db, { id: viewer.id, isAdmin: viewer.role === 'admin' })
}

/** Open rooms are everyone's; a private one is its members' and the admins'. */
export async function canRead(db: Db, viewer: User, room: Room): Promise<boolean> {
  return !room.private || viewer.role === 'admin' || (await isMember(db, room.id, viewer.id))
}

/**
 * The room at `slug` (or at an address it had before a rename: `moved`), if `viewer` may read it. A private
 * room they do not belong to is NotFound, exactly like a room that does not exist: its existence does not leak.
 */
export async function readableRoom(
  db: Db,
  viewer: User,
  slug: string,
): Promise<{ room: Room; moved: boolean }> {
  // An address no room can have (a NUL, 5 kB of text…) is not looked up: it does not exist.
  if (!valid.isSlug(slug)) throw new NotFound('That room')
  const current = await findRoomBySlug(db, slug)
  const room = current ?? (await findRoomByOldSlug(db, slug))
  if (!room || !(await canRead(db, viewer, room))) throw new NotFound('That room')
  return { room, moved: current === undefined }
}

/** Which of these people may still read the room (active, and allowed): the rest lose their sockets. */
export async function readersAmong(db: Db, roomId: number, userIds: number[]): Promise<Set<number>> {
  if (userIds.length === 0) return new Set()
  const rows = await db
    .selectFrom('users')
    .innerJoin('rooms', (join) => join.on('rooms.id', '=', roomId))
    .select('users.id')
    .where('users.id', 'in', userIds)
    .where('users.deactivated_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('rooms.private', '=', false),
        eb('users.role', '=', 'admin'),
        eb.exists(
          eb
            .selectFrom('room_members')
            .select('room_members.user_id')
            .where('room_members.room_id', '=', roomId)
            .whereRef('room_members.user_id', '=', 'users.id'),
        ),
      ]),
    )
    .execute()
  return new Set(rows.map((r) => r.id))
}
