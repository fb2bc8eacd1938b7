import type { Kysely } from 'kysely'
import { roomEvents } from '../store/room-events.repo.ts'
import type { Database } from '../store/schema.ts'
import { history, REPLAY_LIMIT } from './messages.ts'
import type { MessagePage, Room, RoomEvent } from './types.ts'

export type CatchUp =
  | { kind: 'replay'; events: RoomEvent[]; lastSeq: number }
  | { kind: 'reload'; page: MessagePage; room: Room; lastSeq: number }

/** What a page that has every event up to `lastSeq` is missing, read from the database. */
export async function catchUp(db: Kysely<Database>, room: Room, lastSeq: number): Promise<CatchUp> {
  const missed = await roomEvents(db, room.id, {
    after: lastSeq,
    before: Number.MAX_SAFE_INTEGER,
    limit: REPLAY_LIMIT,
  })
  if (missed.created < REPLAY_LIMIT && missed.events.length < REPLAY_LIMIT)
    return { kind: 'replay', events: missed.events, lastSeq: missed.through }
  const page = await history(db, room)
  return { kind: 'reload', page, room: { ...room, lastSeq: page.lastSeq }, lastSeq: page.lastSeq }
}
