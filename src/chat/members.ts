import { insertAudit } from '../store/audit.repo.ts'
import { addMember, removeMember } from '../store/members.repo.ts'
import { findUserById, findUserByUsername } from '../store/users.repo.ts'
import { type AdminDeps, requireAdmin } from './admin.ts'
import { Invalid, NotFound } from './errors.ts'
import { label } from './room-admin.ts'
import type { Room, User } from './types.ts'
import * as valid from './validate.ts'

/** Adds someone to a room by username (what matters for private rooms: only members and admins see those). */
export async function addRoomMember(
  deps: AdminDeps,
  viewer: User,
  room: Room,
  username: unknown,
): Promise<void> {
  const actor = requireAdmin(viewer)
  const name = typeof username === 'string' ? username.trim() : ''
  const user = name ? await findUserByUsername(deps.db, name) : undefined
  if (!user)
    throw new Invalid({ username: name ? `There is nobody called "${name}".` : 'Pick someone to add.' })
  await deps.db.transaction().execute(async (trx) => {
    if (!(await addMember(trx, room.id, user.id)))
      throw new Invalid({ username: `${user.username} is a member already.` })
    await insertAudit(trx, {
      actor,
      action: 'member.add',
      target: { type: 'room', id: room.id, label: label(room) },
      detail: user.username,
    })
  })
}

/** Takes someone out of a room: if it is private, their open pages of it are closed at once. */
export async function removeRoomMember(
  deps: AdminDeps,
  viewer: User,
  room: Room,
  userId: unknown,
): Promise<void> {
  const actor = requireAdmin(viewer)
  const id = valid.id(userId)
  const removed = await deps.db.transaction().execute(async (trx) => {
    const user = id === undefined ? undefined : await findUserById(trx, id)
    if (!user || !(await removeMember(trx, room.id, user.id))) return false
    await insertAudit(trx, {
      actor,
      action: 'member.remove',
      target: { type: 'room', id: room.id, label: label(room) },
      detail: user.username,
    })
    return true
  })
  if (!removed) throw new NotFound('That member')
  deps.announce.roomAccessChanged(room.id)
}
