import { insertAudit } from '../store/audit.repo.ts'
import { isUniqueViolation } from '../store/pg-errors.ts'
import * as repo from '../store/rooms.repo.ts'
import { type AdminDeps, requireAdmin } from './admin.ts'
import { Invalid, NotFound } from './errors.ts'
import type { Room, User } from './types.ts'
import * as valid from './validate.ts'

export interface RoomInput {
  name: unknown
  slug: unknown
  topic: unknown
  private: unknown
}

function parse(input: RoomInput) {
  const name = valid.roomName(input.name)
  return {
    name,
    slug: valid.slug(input.slug, name),
    topic: valid.topic(input.topic),
    private: valid.checked(input.private),
  }
}

export const label = (r: { name: string; slug: string }) => `${r.name} (/rooms/${r.slug})`
const taken = (slug: string) => new Invalid({ slug: `The address /rooms/${slug} is taken by another room.` })

export async function createRoom(deps: AdminDeps, viewer: User, input: RoomInput): Promise<Room> {
  const actor = requireAdmin(viewer)
  const values = parse(input)
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const room = await repo.insertRoom(trx, values)
      const detail = room.private ? 'private' : 'open'
      await insertAudit(trx, {
        actor,
        action: 'room.create',
        target: { type: 'room', id: room.id, label: label(room) },
        detail,
      })
      return room
    })
  } catch (err) {
    if (isUniqueViolation(err)) throw taken(values.slug)
    throw err
  }
}

/** Renames, re-addresses, re-topics or re-scopes a room; open pages update their header at once. */
export async function updateRoom(deps: AdminDeps, viewer: User, id: number, input: RoomInput): Promise<Room> {
  const actor = requireAdmin(viewer)
  const values = parse(input)
  const before = await repo.findRoomById(deps.db, id)
  if (!before) throw new NotFound('That room')
  let room: Room | undefined
  try {
    room = await deps.db.transaction().execute(async (trx) => {
      const after = await repo.updateRoom(trx, id, values)
      if (!after) return undefined
      const changes = (['name', 'slug', 'topic', 'private'] as const)
        .filter((k) => before[k] !== after[k])
        .map((k) => `${k}: ${JSON.stringify(before[k])} → ${JSON.stringify(after[k])}`)
      await insertAudit(trx, {
        actor,
        action: 'room.update',
        target: { type: 'room', id, label: label(after) },
        detail: changes.join('; '),
      })
      return after
    })
  } catch (err) {
    if (isUniqueViolation(err)) throw taken(values.slug)
    throw err
  }
  if (!room) throw new NotFound('That room')
  deps.announce.roomChanged(room)
  if (room.private && !before.private) deps.announce.roomAccessChanged(room.id)
  return room
}

/** Archived: read-only, history kept, the composer gone from every open page. Unarchiving undoes it. */
export async function setArchived(
  deps: AdminDeps,
  viewer: User,
  id: number,
  archived: boolean,
): Promise<Room> {
  const actor = requireAdmin(viewer)
  const room = await deps.db.transaction().execute(async (trx) => {
    const r = await repo.setArchived(trx, id, archived)
    if (r)
      await insertAudit(trx, {
        actor,
        action: archived ? 'room.archive' : 'room.unarchive',
        target: { type: 'room', id, label: label(r) },
      })
    return r
  })
  if (!room) throw new NotFound('That room')
  deps.announce.roomChanged(room)
  return room
}

/** Deletes a room and its messages for good; its open pages are sent to the room list. */
export async function deleteRoom(deps: AdminDeps, viewer: User, id: number): Promise<void> {
  const actor = requireAdmin(viewer)
  const stats = (await repo.listRoomStats(deps.db, id))[0]
  if (!stats) throw new NotFound('That room')
  const gone = await deps.db.transaction().execute(async (trx) => {
    const ok = await repo.deleteRoom(trx, id)
    if (ok)
      await insertAudit(trx, {
        actor,
        action: 'room.delete',
        target: { type: 'room', id, label: label(stats) },
        detail: `${stats.messages} messages`,
      })
    return ok
  })
  if (!gone) throw new NotFound('That room')
  deps.announce.roomDeleted(id)
}
