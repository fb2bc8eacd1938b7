import type { Kysely } from 'kysely'
import { isUniqueViolation } from '../store/pg-errors.ts'
import { findRoomBySlug, insertRoom, listRooms } from '../store/rooms.repo.ts'
import type { Database } from '../store/schema.ts'
import { Forbidden, Invalid, NotFound } from './errors.ts'
import type { Room, User } from './types.ts'
import * as valid from './validate.ts'

type Db = Kysely<Database>

export function rooms(db: Db): Promise<Room[]> {
  return listRooms(db)
}

export async function roomBySlug(db: Db, slug: string): Promise<Room> {
  const room = await findRoomBySlug(db, slug)
  if (!room) throw new NotFound('That room')
  return room
}

export async function createRoom(
  db: Db,
  viewer: User,
  input: { name: unknown; topic: unknown },
): Promise<Room> {
  if (viewer.role !== 'admin') throw new Forbidden('Only admins can create rooms.')
  const name = valid.roomName(input.name)
  const topic = valid.topic(input.topic)
  const slug = valid.slugify(name)
  try {
    return await insertRoom(db, { slug, name, topic })
  } catch (err) {
    if (isUniqueViolation(err)) throw new Invalid({ name: `A room at /rooms/${slug} already exists.` })
    throw err
  }
}
