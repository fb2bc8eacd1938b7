import type { Kysely } from 'kysely'
import { findRoomById } from '../store/rooms.repo.ts'
import type { Database } from '../store/schema.ts'
import { readersAmong } from './rooms.ts'
import type { Room } from './types.ts'

/**
 * One room's part of a live sidebar's access check: who among these people may read it now, and what it is
 * called now (a private room renamed is checked again: the entries put back show its new name and address).
 */
export async function sideCheck(
  db: Kysely<Database>,
  roomId: number,
  userIds: number[],
): Promise<{ readers: Set<number>; room: Room | undefined }> {
  const [readers, room] = await Promise.all([readersAmong(db, roomId, userIds), findRoomById(db, roomId)])
  return { readers, room }
}
