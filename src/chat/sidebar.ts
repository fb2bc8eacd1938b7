import type { Kysely } from 'kysely'
import { markRead, unreadCounts } from '../store/reads.repo.ts'
import type { Database } from '../store/schema.ts'
import { findUserById } from '../store/users.repo.ts'
import { rooms } from './rooms.ts'
import type { Room, User } from './types.ts'

export interface SidebarRoom extends Room {
  unread: number
  mentions: number
}

/** The rooms a person can read, each with their exact unread and mention counts. */
export async function sidebar(db: Kysely<Database>, viewer: User): Promise<SidebarRoom[]> {
  const list = await rooms(db, viewer)
  const counts = new Map(
    (
      await unreadCounts(
        db,
        viewer,
        list.map((r) => r.id),
      )
    ).map((c) => [c.roomId, c]),
  )
  return list.map((r) => ({
    ...r,
    unread: counts.get(r.id)?.unread ?? 0,
    mentions: counts.get(r.id)?.mentions ?? 0,
  }))
}

/**
 * The sidebar of a page that has just connected, for the person as they are now (not as they were when the
 * socket was opened: demoted or deactivated since, they get what they may read now).
 */
export async function liveSidebar(db: Kysely<Database>, viewer: User): Promise<SidebarRoom[]> {
  const now = await findUserById(db, viewer.id)
  if (!now || now.deactivated) return []
  return sidebar(db, { ...viewer, role: now.role })
}

/** The person has read the room up to `seq` (their page is showing its newest message, in a visible tab). */
export async function readUpTo(db: Kysely<Database>, viewer: User, room: Room, seq: number): Promise<void> {
  if (!Number.isSafeInteger(seq) || seq < 1) return
  await markRead(db, viewer.id, room.id, seq)
}
