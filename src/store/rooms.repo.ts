import { type Kysely, sql, type Transaction } from 'kysely'
import { startReadAsOpened } from './first-reads.repo.ts'
import type { Room } from './records.ts'
import { canRead } from './room-access.ts'
import type { Database } from './schema.ts'

type Db = Kysely<Database> | Transaction<Database>

const columns = [
  'rooms.id',
  'rooms.slug',
  'rooms.name',
  'rooms.topic',
  'rooms.last_seq as lastSeq',
  'rooms.private',
  sql<boolean>`rooms.archived_at IS NOT NULL`.as('archived'),
] as const

/** The rooms a person may read (room-access.ts), by name. */
export function listRoomsFor(db: Db, userId: number): Promise<Room[]> {
  return db.selectFrom('rooms').select(columns).where(canRead(userId)).orderBy('rooms.name').execute()
}

export function findRoomById(db: Db, id: number): Promise<Room | undefined> {
  return db.selectFrom('rooms').select(columns).where('rooms.id', '=', id).executeTakeFirst()
}

/** Where a room is looked for: its id, its address, or an address it had before a rename. */
export type RoomAt = { id: number } | { slug: string } | { oldSlug: string }

/** The room, and whether `readerId` may read it (room-access.ts): one query. */
export async function findRoomFor(
  db: Db,
  at: RoomAt,
  readerId: number,
): Promise<{ room: Room; readable: boolean } | undefined> {
  const q = db.selectFrom('rooms').select(columns).select(canRead(readerId).as('readable'))
  const row = await ('id' in at
    ? q.where('rooms.id', '=', at.id)
    : 'slug' in at
      ? q.where('rooms.slug', '=', at.slug)
      : q.where('rooms.id', '=', (eb) =>
          eb.selectFrom('room_slugs').select('room_slugs.room_id').where('room_slugs.slug', '=', at.oldSlug),
        )
  ).executeTakeFirst()
  if (!row) return undefined
  const { readable, ...room } = row
  return { room, readable: Boolean(readable) }
}

/** Which of these people may read the room now (room-access.ts). */
export async function readersOf(db: Db, roomId: number, userIds: number[]): Promise<Set<number>> {
  if (userIds.length === 0) return new Set()
  const rows = await db
    .selectFrom('users')
    .innerJoin('rooms', (join) => join.on('rooms.id', '=', roomId))
    .select('users.id')
    .where('users.id', 'in', userIds)
    .where((eb) => canRead(eb.ref('users.id')))
    .execute()
  return new Set(rows.map((r) => r.id))
}

export async function insertRoom(
  db: Db,
  room: { slug: string; name: string; topic: string; private: boolean },
): Promise<Room> {
  // A new room takes over an old address outright: the old room's redirect from it ends.
  await db.deleteFrom('room_slugs').where('slug', '=', room.slug).execute()
  return db.insertInto('rooms').values(room).returning(columns).executeTakeFirstOrThrow()
}

/** Renames a room (its old address is kept as a redirect), or makes it open or private. */
export async function updateRoom(
  db: Db,
  id: number,
  change: { slug: string; name: string; topic: string; private: boolean },
): Promise<Room | undefined> {
  const before = await db
    .selectFrom('rooms')
    .select(['slug', 'private'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
  if (!before) return undefined
  // Made open: those who could not read it start with it read up to now (first-reads.repo.ts).
  if (before.private && !change.private) await startReadAsOpened(db, id)
  if (before.slug !== change.slug) {
    await db.deleteFrom('room_slugs').where('slug', '=', change.slug).execute()
    await db.insertInto('room_slugs').values({ slug: before.slug, room_id: id }).execute()
  }
  return db.updateTable('rooms').set(change).where('id', '=', id).returning(columns).executeTakeFirst()
}

export function setArchived(db: Db, id: number, archived: boolean): Promise<Room | undefined> {
  return db
    .updateTable('rooms')
    .set({ archived_at: archived ? new Date() : null })
    .where('id', '=', id)
    .returning(columns)
    .executeTakeFirst()
}

export async function deleteRoom(db: Db, id: number): Promise<boolean> {
  const res = await db.deleteFrom('rooms').where('id', '=', id).executeTakeFirst()
  return res.numDeletedRows > 0n
}

export interface RoomStats extends Room {
  members: number
  messages: number
  lastActivity: Date | null
}

/** Every room (or the one with `id`) with its member count, live message count and last message time. */
export async function listRoomStats(db: Db, id?: number): Promise<RoomStats[]> {
  let q = db
    .selectFrom('rooms')
    .select(columns)
    .select([
      sql<number>`(SELECT count(*)::int FROM room_members m WHERE m.room_id = rooms.id)`.as('members'),
      sql<number>`(SELECT count(*)::int FROM messages g WHERE g.room_id = rooms.id AND g.deleted_at IS NULL)`.as(
        'messages',
      ),
      sql<Date | null>`(SELECT max(g.created_at) FROM messages g WHERE g.room_id = rooms.id)`.as(
        'lastActivity',
      ),
    ])
  if (id !== undefined) q = q.where('rooms.id', '=', id)
  const rows = await q.orderBy('rooms.name').execute()
  return rows.map((r) => ({ ...r, lastActivity: r.lastActivity === null ? null : new Date(r.lastActivity) }))
}
