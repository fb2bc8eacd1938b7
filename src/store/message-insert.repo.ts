import { type Kysely, sql } from 'kysely'
import { mentionedNames } from '../mentions.ts'
import { insertMentionsFrom, replaceMentions } from './mentions.repo.ts'
import { selectMessages } from './messages.repo.ts'
import { isUniqueViolation } from './pg-errors.ts'
import type { Message } from './records.ts'
import { canRead, canWrite } from './room-access.ts'
import { nextSeq, oneRoom, takeSeqs } from './room-seq.ts'
import type { Database } from './schema.ts'

export interface NewMessage {
  roomId: number
  authorId: number
  /** The author's username, as the message record carries it (no join needed for a message just written). */
  author: string
  body: string
  /** The key it is stored under, unique in the room: see chat/send-key.ts (author, the send's key, the text). */
  clientId: string
}

export type InsertResult =
  | { kind: 'stored'; message: Message; created: boolean }
  | { kind: 'no-room' }
  | { kind: 'archived' }

/**
 * Stores a message with the room's next seq (room-seq.ts), in one transaction holding the room row's lock, so
 * seqs are gapless and in commit order. A client_id already used in the room returns the stored message
 * instead. Whether the author may write there (room-access.ts) is checked under the same lock, so a removal or
 * an archive that commits first always wins.
 */
export async function insertOne(db: Kysely<Database>, input: NewMessage): Promise<InsertResult> {
  return (await insertFast(db, input)) ?? insertExplained(db, input)
}

/**
 * The common case in one statement, one round trip, no BEGIN/COMMIT: bump the room's counter (taking its row
 * lock) only if the author may write there and the client id is new, and insert with that seq. Nothing back
 * means "not that simple" (no room, not allowed, archived, a retry): the transaction below says which.
 */
async function insertFast(db: Kysely<Database>, input: NewMessage): Promise<InsertResult | undefined> {
  const { roomId, authorId, author, body, clientId } = input
  const names = mentionedNames(body)
  // Its mentions (store/mentions.repo.ts) in the same statement: still one round trip.
  const mentions = names.length > 0 ? sql`, mm AS (${insertMentionsFrom(sql`stored`, names)})` : sql``
  try {
    const { rows } = await sql<{ id: number; seq: number; created_at: Date }>`
      WITH r AS (${takeSeqs(
        oneRoom(roomId),
        sql`${canWrite(authorId)}
          AND NOT EXISTS (SELECT 1 FROM messages g WHERE g.room_id = rooms.id AND g.client_id = ${clientId})`,
      )}),
      stored AS (INSERT INTO messages (room_id, seq, author_id, body, client_id)
        SELECT ${roomId}, first_seq, ${authorId}, ${body}, ${clientId} FROM r
        RETURNING id, room_id, seq, author_id, created_at)${mentions}
      SELECT id, seq, created_at FROM stored`.execute(db)
    const row = rows[0]
    if (!row) return undefined
    const message = {
      id: row.id,
      roomId,
      seq: row.seq,
      authorId,
      author,
      body,
      createdAt: new Date(row.created_at),
      editedAt: null,
    }
    return { kind: 'stored', message, created: true }
  } catch (err) {
    // The same client id raced in from another request: the statement (and its seq) rolled back whole.
    if (isUniqueViolation(err)) return undefined
    throw err
  }
}

function insertExplained(db: Kysely<Database>, input: NewMessage): Promise<InsertResult> {
  return db.transaction().execute(async (trx): Promise<InsertResult> => {
    const room = await trx
      .selectFrom('rooms')
      .select([canRead(input.authorId).as('readable'), canWrite(input.authorId).as('writable')])
      .where('id', '=', input.roomId)
      .forUpdate()
      .executeTakeFirst()
    if (!room?.readable) return { kind: 'no-room' }
    const existing = await selectMessages(trx)
      .where('messages.room_id', '=', input.roomId)
      .where('messages.client_id', '=', input.clientId)
      .executeTakeFirst()
    if (existing) return { kind: 'stored', message: existing, created: false }
    // May read but not write: the room is archived.
    if (!room.writable) return { kind: 'archived' }
    const seq = await nextSeq(trx, input.roomId)
    const row = await trx
      .insertInto('messages')
      .values({
        room_id: input.roomId,
        seq,
        author_id: input.authorId,
        body: input.body,
        client_id: input.clientId,
      })
      .returning(['id', 'created_at as createdAt'])
      .executeTakeFirstOrThrow()
    await replaceMentions(trx, row.id, mentionedNames(input.body))
    const { roomId, authorId, author, body } = input
    return {
      kind: 'stored',
      message: { id: row.id, roomId, seq, authorId, author, body, createdAt: row.createdAt, editedAt: null },
      created: true,
    }
  })
}
