import type { Kysely } from 'kysely'
import { insertMessage, pageMessages } from '../store/messages.repo.ts'
import { findRoomById } from '../store/rooms.repo.ts'
import type { Database } from '../store/schema.ts'
import { Invalid, NotFound } from './errors.ts'
import { type RateLimiter, type Rules, takeOrThrow } from './limits.ts'
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
 * Validates and stores a message, then announces it after the commit. Retrying with the same client id
 * returns the stored message and announces nothing, so a resend is seen once.
 */
export async function postMessage(
  deps: ChatDeps,
  viewer: User,
  room: Room,
  input: PostInput,
): Promise<Message> {
  const clientId = valid.clientId(input.clientId)
  const body = valid.body(input.body)
  await takeOrThrow(
    deps.limiter,
    `msg:${viewer.id}`,
    deps.rules.message,
    (s) => `Slow down: you can send again in ${s} s.`,
  )
  const stored = await insertMessage(deps.db, {
    roomId: room.id,
    authorId: viewer.id,
    author: viewer.username,
    body,
    clientId,
  })
  if (!stored) throw new NotFound('That room')
  // A client id is one composer's key: someone else's is never answered with their message.
  if (stored.message.authorId !== viewer.id)
    throw new Invalid({ body: 'This form is out of date: reload the page.' })
  if (stored.created) deps.announce.messageCreated({ ...room, lastSeq: stored.message.seq }, stored.message)
  return stored.message
}

/** A page of history: the newest PAGE_SIZE messages, or those before/after a seq. */
export async function history(
  db: Kysely<Database>,
  room: Room,
  cursor: { before?: unknown; after?: unknown } = {},
): Promise<MessagePage> {
  const before = valid.cursor(cursor.before)
  const after = before === undefined ? valid.cursor(cursor.after) : undefined
  const page = await pageMessages(db, room.id, { before, after, limit: PAGE_SIZE })
  const newestShown =
    page.messages.at(-1)?.seq ?? (before !== undefined ? before - 1 : (after ?? room.lastSeq))
  return { ...page, hasNewer: newestShown < room.lastSeq }
}

/** Past this many missed messages a reconnecting page is re-rendered instead of replayed. */
export const REPLAY_LIMIT = 500

export type CatchUp =
  | { kind: 'replay'; messages: Message[]; lastSeq: number }
  | { kind: 'reload'; page: MessagePage; room: Room; lastSeq: number }

/** What a page that has every message up to `lastSeq` is missing, read from the database. */
export async function catchUp(db: Kysely<Database>, room: Room, lastSeq: number): Promise<CatchUp> {
  const fresh = await findRoomById(db, room.id)
  if (!fresh) throw new NotFound('That room')
  const last = Math.min(lastSeq, fresh.lastSeq)
  const { messages } = await pageMessages(db, room.id, { after: last, limit: REPLAY_LIMIT + 1 })
  if (messages.length <= REPLAY_LIMIT)
    return { kind: 'replay', messages, lastSeq: messages.at(-1)?.seq ?? last }
  const page = await history(db, fresh)
  return { kind: 'reload', page, room: fresh, lastSeq: page.messages.at(-1)?.seq ?? fresh.lastSeq }
}

/** Messages with after < seq < before, oldest first, at most REPLAY_LIMIT: what a node fetches to fill a gap. */
export async function messagesBetween(db: Kysely<Database>, roomId: number, after: number, before: number) {
  const limit = Math.min(REPLAY_LIMIT, Math.max(0, before - after - 1))
  if (limit === 0) return []
  const { messages } = await pageMessages(db, roomId, { after, limit })
  return messages.filter((m) => m.seq < before)
}
