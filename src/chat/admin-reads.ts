import { listAudit } from '../store/audit.repo.ts'
import { listMembers } from '../store/members.repo.ts'
import { listRoomStats, type RoomStats } from '../store/rooms.repo.ts'
import { findUserById, listPeople } from '../store/users.repo.ts'
import { type AdminDeps, requireAdmin } from './admin.ts'
import { NotFound } from './errors.ts'
import type { AuditLine, PersonOverview, RoomOverview, User } from './types.ts'
import * as valid from './validate.ts'

// What the admin pages read. Each read checks the role itself, like every admin write: the /admin guard in
// http/ is a second line, not the only one. Rows are mapped to chat's own shapes here (see types.ts).

type ReadDeps = Pick<AdminDeps, 'db'>

export const AUDIT_PAGE = 50

const overview = (r: RoomStats): RoomOverview => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  topic: r.topic,
  lastSeq: r.lastSeq,
  private: r.private,
  archived: r.archived,
  members: r.members,
  messages: r.messages,
  lastActivity: r.lastActivity,
})

const user = (u: User): User => ({ id: u.id, username: u.username, role: u.role })

/** Every room, by name, with its size. */
export async function roomsOverview(deps: ReadDeps, viewer: User): Promise<RoomOverview[]> {
  requireAdmin(viewer)
  return (await listRoomStats(deps.db)).map(overview)
}

/** One room by its id (as the admin pages address rooms), with its size; NotFound if there is none. */
export async function roomOverview(deps: ReadDeps, viewer: User, id: unknown): Promise<RoomOverview> {
  requireAdmin(viewer)
  const roomId = valid.id(id)
  const room = roomId === undefined ? undefined : (await listRoomStats(deps.db, roomId))[0]
  if (!room) throw new NotFound('That room')
  return overview(room)
}

/** A room's members, by username. */
export async function roomMembers(deps: ReadDeps, viewer: User, roomId: number): Promise<User[]> {
  requireAdmin(viewer)
  return (await listMembers(deps.db, roomId)).map(user)
}

/** Everyone with an account, by username. */
export async function peopleOverview(deps: ReadDeps, viewer: User): Promise<PersonOverview[]> {
  requireAdmin(viewer)
  return (await listPeople(deps.db)).map((p) => ({
    ...user(p),
    deactivated: p.deactivated,
    createdAt: p.createdAt,
  }))
}

/** Someone by id, or undefined if there is nobody by that id (the page asking is then a plain 404). */
export async function personById(deps: ReadDeps, viewer: User, id: unknown): Promise<User | undefined> {
  requireAdmin(viewer)
  const userId = valid.id(id)
  const found = userId === undefined ? undefined : await findUserById(deps.db, userId)
  return found && user(found)
}

/** The audit log, newest first, AUDIT_PAGE lines older than the line `before`, and where the next page starts. */
export async function auditPage(
  deps: ReadDeps,
  viewer: User,
  before: unknown,
): Promise<{ lines: AuditLine[]; older: number | undefined }> {
  requireAdmin(viewer)
  const rows = await listAudit(deps.db, AUDIT_PAGE + 1, valid.cursor(before))
  const lines = rows.slice(0, AUDIT_PAGE).map(
    (r): AuditLine => ({
      id: r.id,
      actor: r.actor,
      action: r.action,
      targetType: r.targetType,
      targetId: r.targetId,
      target: r.target,
      detail: r.detail,
      createdAt: r.createdAt,
    }),
  )
  return { lines, older: rows.length > AUDIT_PAGE ? rows[AUDIT_PAGE - 1]?.id : undefined }
}
