import { insertAudit } from '../store/audit.repo.ts'
import { changeMessage, findMessage } from '../store/room-events.repo.ts'
import { findRoomFor } from '../store/rooms.repo.ts'
import { excerpt } from './admin.ts'
import { Forbidden, NotFound } from './errors.ts'
import { takeOrThrow } from './limits.ts'
import type { ChatDeps } from './messages.ts'
import type { Message, Room, User } from './types.ts'
import * as valid from './validate.ts'

/** A live message and its room, if `viewer` can read that room; else NotFound, as if it did not exist. */
export async function messageFor(
  deps: Pick<ChatDeps, 'db'>,
  viewer: User,
  id: unknown,
): Promise<{ message: Message; room: Room }> {
  const messageId = valid.id(id)
  const message = messageId === undefined ? undefined : await findMessage(deps.db, undefined, messageId)
  const found = message && (await findRoomFor(deps.db, { id: message.roomId }, viewer.id))
  if (!message || !found?.readable) throw new NotFound('That message')
  return { message, room: found.room }
}

/** Whether `viewer` may edit (their own, in a room that is not archived) or delete (also any, as an admin). */
export function may(viewer: User, room: Room, message: Message, action: 'edit' | 'delete'): boolean {
  const own = message.authorId === viewer.id
  if (action === 'edit') return own && !room.archived
  return viewer.role === 'admin' || (own && !room.archived)
}

/** The author edits their message; every open page of the room shows the new text. */
export async function editMessage(
  deps: ChatDeps,
  viewer: User,
  id: unknown,
  body: unknown,
): Promise<{ message: Message; room: Room }> {
  const { message, room } = await messageFor(deps, viewer, id)
  if (!may(viewer, room, message, 'edit')) throw new Forbidden('Only its author can edit a message.')
  const text = valid.body(body)
  // Each edit is pushed to everyone in the room, like a message: limited like one, in its own bucket.
  await takeOrThrow(
    deps.limiter,
    `edit:${viewer.id}`,
    deps.rules.edit,
    (s) => `Slow down: you can edit again in ${s} s.`,
  )
  const event = await deps.db
    .transaction()
    .execute((trx) => changeMessage(trx, room.id, message.id, { kind: 'edited', body: text }))
  if (!event) throw new NotFound('That message')
  deps.announce.messageChanged(room, event)
  return { message: event.message, room }
}

/** The author, or an admin (recorded in the audit log), deletes a message; it disappears from every open page. */
export async function deleteMessage(deps: ChatDeps, viewer: User, id: unknown): Promise<Room> {
  const { message, room } = await messageFor(deps, viewer, id)
  if (!may(viewer, room, message, 'delete'))
    throw new Forbidden('Only its author or an admin can delete a message.')
  const event = await deps.db.transaction().execute(async (trx) => {
    const e = await changeMessage(trx, room.id, message.id, { kind: 'deleted' })
    if (e && message.authorId !== viewer.id)
      await insertAudit(trx, {
        actor: viewer,
        action: 'message.delete',
        target: { type: 'message', id: message.id, label: `#${room.name}, by ${message.author}` },
        detail: excerpt(message.body),
      })
    return e
  })
  if (!event) throw new NotFound('That message')
  deps.announce.messageChanged(room, event)
  return room
}
