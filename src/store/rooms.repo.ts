import type { Kysely } from 'kysely'
import type { Room } from './records.ts'
import type { Database } from './schema.ts'

const columns = ['id', 'slug', 'name', 'topic', 'last_seq as lastSeq'] as const

export function listRooms(db: Kysely<Database>): Promise<Room[]> {
  return db.selectFrom('rooms').select(columns).orderBy('name').execute()
}

export function findRoomBySlug(db: Kysely<Database>, slug: string): Promise<Room | undefined> {
  return db.selectFrom('rooms').select(columns).where('slug', '=', slug).executeTakeFirst()
}

export function findRoomById(db: Kysely<Database>, id: number): Promise<Room | undefined> {
  return db.selectFrom('rooms').select(columns).where('id', '=', id).executeTakeFirst()
}

export function insertRoom(
  db: Kysely<Database>,
  room: { slug: string; name: string; topic: string },
): Promise<Room> {
  return db.insertInto('rooms').values(room).returning(columns).executeTakeFirstOrThrow()
}
