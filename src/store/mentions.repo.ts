import { type RawBuilder, sql, type Transaction } from 'kysely'
import type { Database } from './schema.ts'

/**
 * Who a message mentions, recorded when it is stored or edited (DESIGN §10), so that unread mention counts are
 * an index range (store/reads.repo.ts) rather than a regex over every unread body. The names come from
 * mentionedNames() (src/mentions.ts), lower-cased; each is matched to a person by the unique lower(username)
 * index. The author is left out: a person's own messages never count as unread for them. A deletion removes
 * the rows; a rename keeps them (they hold the person's id).
 */

/** The message just written, as a CTE or table of the statement (with id, room_id, seq, author_id). */
export function insertMentionsFrom(
  messages: RawBuilder<unknown>,
  names: readonly string[],
): RawBuilder<unknown> {
  return sql`INSERT INTO message_mentions (user_id, room_id, seq, message_id)
    SELECT u.id, m.room_id, m.seq, m.id FROM ${messages} m
    JOIN users u ON lower(u.username) = ANY(${names}::text[]) AND u.id <> m.author_id`
}

/** Replaces a message's mentions with those of its new text (none, for a deletion). */
export async function replaceMentions(
  trx: Transaction<Database>,
  messageId: number,
  names: readonly string[],
): Promise<void> {
  await trx.deleteFrom('message_mentions').where('message_id', '=', messageId).execute()
  if (names.length === 0) return
  await sql`${insertMentionsFrom(sql`(SELECT id, room_id, seq, author_id FROM messages WHERE id = ${messageId})`, names)}`.execute(
    trx,
  )
}
