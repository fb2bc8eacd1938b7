import type { Kysely, Transaction } from 'kysely'
import { mentionedNames } from '../mentions.ts'
import { replaceMentions } from './mentions.repo.ts'
import { selectMessages } from './messages.repo.ts'
import type { Message, RoomEvent } from './records.ts'
import { nextSeq } from './room-seq.ts'
import type { Database } from './schema.ts'

type Db = Kysely<Database> | Transaction<Database>

export interface EventsPage {
  /** The events with after < seq ≤ through, oldest first. */
  events: RoomEvent[]
  /** Every seq up to here is accounted for: a seq ≤ through that is not in `events` will never come. */
  through: number
  /** Messages created in the range, capped: a reader this far behind is better served a fresh page. */
  created: number
  /** The page was cut short: more lies beyond `through`. */
  more: boolean
}

/**
 * The room's events with after < seq < before, at most `limit` of each kind. A message posted and then
 * changed within the range shows as posted (as it is now) and, later, as changed: replaying both is harmless.
 * Seqs that hold nothing any more (a message posted then deleted, an edit edited again) are holes, covered
 * by `through`.
 */
export async function roomEvents(
  db: Db,
  roomId: number,
  range: { after: number; before: number; limit: number },
): Promise<EventsPage> {
  const { after, limit } = range
  // Read first: every seq up to the room's counter has committed, so the queries below see all of them.
  const room = await db.selectFrom('rooms').select('last_seq').where('id', '=', roomId).executeTakeFirst()
  const top = Math.min(range.before - 1, room?.last_seq ?? after)
  // Nothing new; a reader claiming more than the room has is brought back to what the room has.
  if (top <= after)
    return { events: [], through: Math.min(after, room?.last_seq ?? after), created: 0, more: false }
  const base = selectMessages(db)
    .select(['messages.changed_seq', 'messages.deleted_at'])
    .where('messages.room_id', '=', roomId)
  const [posted, changed] = await Promise.all([
    base
      .where('messages.seq', '>', after)
      .where('messages.seq', '<=', top)
      .orderBy('messages.seq')
      .limit(limit)
      .execute(),
    base
      .where('messages.changed_seq', '>', after)
      .where('messages.changed_seq', '<=', top)
      .orderBy('messages.changed_seq')
      .limit(limit)
      .execute(),
  ])
  const through = Math.min(
    posted.length === limit ? (posted.at(-1)?.seq ?? top) : top,
    changed.length === limit ? (changed.at(-1)?.changed_seq ?? top) : top,
  )
  const events: RoomEvent[] = []
  for (const { changed_seq, deleted_at, ...message } of posted)
    if (message.seq <= through && deleted_at === null)
      events.push({ kind: 'created', seq: message.seq, message })
  for (const { changed_seq, deleted_at, ...message } of changed)
    if (changed_seq !== null && changed_seq <= through)
      events.push({ kind: deleted_at === null ? 'edited' : 'deleted', seq: changed_seq, message })
  events.sort((a, b) => a.seq - b.seq)
  return { events, through, created: posted.length, more: through < top }
}

/** A message that is not deleted, by id (and in that room, if one is given). */
export function findMessage(db: Db, roomId: number | undefined, id: number): Promise<Message | undefined> {
  let q = selectMessages(db)
  if (roomId !== undefined) q = q.where('messages.room_id', '=', roomId)
  return q.where('messages.id', '=', id).where('messages.deleted_at', 'is', null).executeTakeFirst()
}

export type Change = { kind: 'edited'; body: string } | { kind: 'deleted' }

/**
 * Edits or deletes a live message under the room's lock, giving the change the room's next seq. Undefined
 * if the message is gone (deleted meanwhile). Call inside a transaction.
 */
export async function changeMessage(
  trx: Transaction<Database>,
  roomId: number,
  id: number,
  change: Change,
): Promise<RoomEvent | undefined> {
  // Locked before the message is looked at, so a deletion that commits first is seen, and no seq is taken
  // for a message that is gone.
  const room = await trx
    .selectFrom('rooms')
    .select('id')
    .where('id', '=', roomId)
    .forUpdate()
    .executeTakeFirst()
  const message = room && (await findMessage(trx, roomId, id))
  if (!room || !message) return undefined
  const seq = await nextSeq(trx, roomId)
  const now = new Date()
  const set =
    change.kind === 'edited'
      ? { body: change.body, edited_at: now, changed_seq: seq }
      : { body: '', deleted_at: now, changed_seq: seq }
  await trx.updateTable('messages').set(set).where('id', '=', id).execute()
  await replaceMentions(trx, id, change.kind === 'edited' ? mentionedNames(change.body) : [])
  const after = change.kind === 'edited' ? { ...message, body: change.body, editedAt: now } : message
  return { kind: change.kind, seq, message: after }
}
