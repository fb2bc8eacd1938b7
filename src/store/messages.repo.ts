import { type Kysely, sql, type Transaction } from 'kysely'
import type { Message } from './records.ts'
import type { Database } from './schema.ts'

type Db = Kysely<Database> | Transaction<Database>

const columns = [
  'messages.id',
  'messages.room_id as roomId',
  'messages.seq',
  'messages.author_id as authorId',
  'users.username as author',
  'messages.body',
  'messages.created_at as createdAt',
  'messages.edited_at as editedAt',
] as const

export function selectMessages(db: Db) {
  return db.selectFrom('messages').innerJoin('users', 'users.id', 'messages.author_id').select(columns)
}

export interface NewMessage {
  roomId: number
  authorId: number
  /** The author's username, as the message record carries it (no join needed for a message just written). */
  author: string
  body: string
  clientId: string
}

export type InsertResult =
  | { kind: 'stored'; message: Message; created: boolean }
  | { kind: 'no-room' }
  | { kind: 'archived' }

/**
 * Stores a message with the room's next seq, in one transaction holding the room row's lock, so seqs are
 * gapless and in commit order. A client_id already used in the room returns the stored message instead.
 * Whether the author may write there (open room, or member, or admin; not archived) is checked under the
 * same lock, so a removal or an archive that commits first always wins.
 */
export function insertMessage(db: Kysely<Database>, input: NewMessage): Promise<InsertResult> {
  return db.transaction().execute(async (trx): Promise<InsertResult> => {
    const room = await trx
      .selectFrom('rooms')
      .select([
        'last_seq',
        sql<boolean>`archived_at IS NOT NULL`.as('archived'),
        sql<boolean>`(NOT private
          OR EXISTS (SELECT 1 FROM room_members m WHERE m.room_id = rooms.id AND m.user_id = ${input.authorId})
          OR EXISTS (SELECT 1 FROM users u WHERE u.id = ${input.authorId} AND u.role = 'admin'))`.as(
          'allowed',
        ),
      ])
      .where('id', '=', input.roomId)
      .forUpdate()
      .executeTakeFirst()
    if (!room?.allowed) return { kind: 'no-room' }
    const existing = await selectMessages(trx)
      .where('messages.room_id', '=', input.roomId)
      .where('messages.client_id', '=', input.clientId)
      .executeTakeFirst()
    if (existing) return { kind: 'stored', message: existing, created: false }
    if (room.archived) return { kind: 'archived' }
    const seq = room.last_seq + 1
    await trx.updateTable('rooms').set({ last_seq: seq }).where('id', '=', input.roomId).execute()
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
    const { roomId, authorId, author, body } = input
    return {
      kind: 'stored',
      message: { id: row.id, roomId, seq, authorId, author, body, createdAt: row.createdAt, editedAt: null },
      created: true,
    }
  })
}

export type PageQuery = { before?: number | undefined; after?: number | undefined; limit: number }

/** A page of history, oldest first: the newest messages, those before a seq, or those after one. */
export async function pageMessages(
  db: Db,
  roomId: number,
  q: PageQuery,
): Promise<{ messages: Message[]; hasOlder: boolean }> {
  const base = selectMessages(db)
    .where('messages.room_id', '=', roomId)
    .where('messages.deleted_at', 'is', null)
  if (q.after !== undefined) {
    const rows = await base
      .where('messages.seq', '>', q.after)
      .orderBy('messages.seq', 'asc')
      .limit(q.limit)
      .execute()
    return { messages: rows, hasOlder: q.after > 0 }
  }
  const older = q.before === undefined ? base : base.where('messages.seq', '<', q.before)
  const rows = await older
    .orderBy('messages.seq', 'desc')
    .limit(q.limit + 1)
    .execute()
  return { messages: rows.slice(0, q.limit).reverse(), hasOlder: rows.length > q.limit }
}
