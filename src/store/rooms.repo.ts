import { type Kysely, sql, type Transaction } from 'kysely'
import type { Room } from './records.ts'
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

/** The rooms a person can see: every open room, and the private ones they belong to (admins see all). */
export function listRoomsFor(db: Db, user: { id: number; isAdmin: boolean }): Promise<Room[]> {
  let q = db.selectFrom('rooms').select(columns)
  if (!user.isAdmin)
    q = q.where((eb) =>
      eb.or([
        eb('rooms.private', '=', false),
        eb.exists(
          eb
            .selectFrom('room_members')
            .select('room_members.room_id')
            .whereRef('room_members.room_id', '=', 'rooms.id')
            .where('room_members.user_id', '=', user.id),
        ),
      ]),
    )
  return q.orderBy('rooms.name').execute()
}

export function findRoomBySlug(db: Db, slug: string): Promise<Room | undefined> {
  return db.selectFrom('rooms').select(columns).where('rooms.slug', '=', slug).executeTakeFirst()
}

export function findRoomById(db: Db, id: number): Promise<Room | undefined> {
  return db.selectFrom('rooms').select(columns).where('rooms.id', '=', id).executeTakeFirst()
}

/** The room that used to live at `slug` before a rename, if any. */
export async function findRoomByOldSlug(db: Db, slug: string): Promise<Room | undefined> {
  return db
    .selectFrom('room_slugs')
    .innerJoin('rooms', 'rooms.id', 'room_slugs.room_id')
    .select(columns)
    .where('room_slugs.slug', '=', slug)
    .executeTakeFirst()
}

export async function insertRoom(
  db: Db,
  room: { slug: string; name: string; topic: string; private: boolean },
): Promise<Room> {
  // A new room takes over an old address outright: the old room's redirect from it ends.
  await db.deleteFrom('room_slugs').where('slug', '=', room.slug).execute()
  return db.insertInto('rooms').values(room).returning(columns).executeTakeFirstOrThrow()
}

/** Renames a room; its old address is kept as a redirect. */
export async function updateRoom(
  db: Db,
  id: number,
  change: { slug: string; name: string; topic: string; private: boolean },
): Promise<Room | undefined> {
  const before = await db
    .selectFrom('rooms')
    .select('slug')
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
  if (!before) return undefined
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
