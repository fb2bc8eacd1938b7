import type { Kysely, Transaction } from 'kysely'
import { startReadAsMember } from './first-reads.repo.ts'
import type { User } from './records.ts'
import type { Database } from './schema.ts'

type Db = Kysely<Database> | Transaction<Database>

export function listMembers(db: Db, roomId: number): Promise<User[]> {
  return db
    .selectFrom('room_members')
    .innerJoin('users', 'users.id', 'room_members.user_id')
    .select(['users.id', 'users.username', 'users.role'])
    .where('room_members.room_id', '=', roomId)
    .orderBy('users.username')
    .execute()
}

/** Adds a member (who starts with the room read up to now); false if they were one already. */
export async function addMember(db: Db, roomId: number, userId: number): Promise<boolean> {
  const res = await db
    .insertInto('room_members')
    .values({ room_id: roomId, user_id: userId })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst()
  const added = (res.numInsertedOrUpdatedRows ?? 0n) > 0n
  if (added) await startReadAsMember(db, roomId, userId)
  return added
}

/** Removes a member; false if they were not one. */
export async function removeMember(db: Db, roomId: number, userId: number): Promise<boolean> {
  const res = await db
    .deleteFrom('room_members')
    .where('room_id', '=', roomId)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return res.numDeletedRows > 0n
}
