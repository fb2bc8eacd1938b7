import type { Kysely } from 'kysely'
import { pageMessages } from '../store/messages.repo.ts'
import { roomEvents } from '../store/room-events.repo.ts'
import type { Database } from '../store/schema.ts'
import { NotFound } from './errors.ts'
import type { RateLimiter, Rules } from './limits.ts'
import type { Announcer, MessagePage, Room } from './types.ts'
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
