import type { Kysely } from 'kysely'
import { insertMessage } from '../store/message-writer.ts'
import { pageMessages } from '../store/messages.repo.ts'
import { roomEvents } from '../store/room-events.repo.ts'
import type { Database } from '../store/schema.ts'
import { type Admitted, admitMessage } from './admit-message.ts'
import { Forbidden, Invalid, NotFound } from './errors.ts'
import type { RateLimiter, Rules } from './limits.ts'
import type { Announcer, Message, MessagePage, Room, User } from './types.ts'
import * as valid from './validate.ts'

export const PAGE_SIZE = 50

export interface ChatDeps {
  db: Kysely<Database>
  announce: Announcer
  limiter: RateLimiter
  rules: Rules
}

export interface PostInput {
  body: unknown
  clientId: unknown
}

/**
 * Validates and stores a message, then announces it after the commit. Retrying with the same client id and
 * the same text returns the stored message (see send-key.ts), so a resend is stored and seen once.
 */
export async function postMessage(
  deps: ChatDeps,
  viewer: User,
  room: Room,
  input: PostInput,
): Promise<Message> {
  return storeMessage(deps, viewer, room, await admitMessage(deps, viewer, room, input))
}

/**
 * Stores an admitted message and announces it. It joins the store's queue before this returns (no await
 * comes first), so messages stored one after another keep that order even when nobody waits in between.
 */
export async function storeMessage(
  deps: ChatDeps,
  viewer: User,
  room: Room,
  { body, storedKey }: Admitted,
): Promise<Message> {
  const stored = await insertMessage(deps.db, {
    roomId: room.id,
    authorId: viewer.id,
    author: viewer.username,
    body,
    clientId: storedKey,
  })
  if (stored.kind === 'no-room') throw new NotFound('That room')
  if (stored.kind === 'archived')
    throw new Forbidden('This room is archived: it can be read, not written to.')
  // The stored key names its author, so this cannot happen; it stays as the last line of that defence.
  if (stored.message.authorId !== viewer.id)
    throw new Invalid({ body: 'This form is out of date: reload the page.' })
  const at = { ...room, lastSeq: stored.message.seq }
  if (stored.created) deps.announce.messageCreated(at, stored.message)
  // A retry of a stored message: its first try may have committed without being announced (the database
  // connection died before it answered). Its frame and its activity go out again; every node and page drops
  // them by seq if it had them, so nobody sees it twice or counts it twice, and nobody misses it.
  else deps.announce.messageChanged(at, { kind: 'created', seq: stored.message.seq, message: stored.message })
  return stored.message
}

/**
 * A page of history: the newest PAGE_SIZE messages, or those before/after a seq. Read in one snapshot with
 * the room's counter, so `room.lastSeq` is exactly what the page shows (a live page resumes from it).
 */
export async function history(
  db: Kysely<Database>,
  room: Room,
  cursor: { before?: unknown; after?: unknown; around?: unknown } = {},
): Promise<MessagePage & { lastSeq: number }> {
  // Around a seq (a search result in context): the page that ends half a page after it holds it.
  const around = valid.cursor(cursor.around)
  const before = around !== undefined ? around + PAGE_SIZE / 2 : valid.cursor(cursor.before)
  const after = before === undefined ? valid.cursor(cursor.after) : undefined
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const counter = await trx
        .selectFrom('rooms')
        .select('last_seq')
        .where('id', '=', room.id)
        .executeTakeFirst()
      if (!counter) throw new NotFound('That room')
      const page = await pageMessages(trx, room.id, { before, after, limit: PAGE_SIZE })
      // The latest page has nothing newer; a page further back asks whether any message lies beyond it
      // (the counter alone cannot say: edits and deletions take seqs too).
      const newestShown = page.messages.at(-1)?.seq ?? (before !== undefined ? before - 1 : (after ?? 0))
      const hasNewer =
        (before !== undefined || after !== undefined) &&
        (await pageMessages(trx, room.id, { after: newestShown, limit: 1 })).messages.length > 0
      return { ...page, hasNewer, lastSeq: counter.last_seq }
    })
}

/** Past this many missed messages a reconnecting page is re-rendered instead of replayed. */
export const REPLAY_LIMIT = 500

/** The events with after < seq < before, and how far that accounts for: what a node fetches to fill a gap. */
export function eventsBetween(db: Kysely<Database>, roomId: number, after: number, before: number) {
  return roomEvents(db, roomId, { after, before, limit: REPLAY_LIMIT })
}
