import type { Kysely, Transaction } from 'kysely'
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
