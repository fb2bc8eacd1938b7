import type { Kysely } from 'kysely'
import { findRoomFor, listRoomsFor, readersOf } from '../store/rooms.repo.ts'
import type { Database } from '../store/schema.ts'
import { NotFound } from './errors.ts'
import type { Room, User } from './types.ts'
import * as valid from './validate.ts'

type Db = Kysely<Database>

// Who may read a room is decided in one place, store/room-access.ts; these use cases ask it through the store.

/** The rooms `viewer` can see, by name. */
export function rooms(db: Db, viewer: User): Promise<Room[]> {
  return listRoomsFor(db, viewer.id)
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
  const current = await findRoomFor(db, { slug }, viewer.id)
  const found = current ?? (await findRoomFor(db, { oldSlug: slug }, viewer.id))
  if (!found?.readable) throw new NotFound('That room')
  return { room: found.room, moved: current === undefined }
}

/** Which of these people may still read the room (active, and allowed): the rest lose their sockets. */
export function readersAmong(db: Db, roomId: number, userIds: number[]): Promise<Set<number>> {
  return readersOf(db, roomId, userIds)
}
