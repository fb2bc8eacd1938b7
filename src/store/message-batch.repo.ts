import { type Kysely, sql } from 'kysely'
import { mentionedNames } from '../mentions.ts'
import type { NewMessage } from './message-insert.repo.ts'
import type { Message } from './records.ts'
import { canWrite } from './room-access.ts'
import { takeSeqs } from './room-seq.ts'
import type { Database } from './schema.ts'

/**
 * Stores several messages, of any rooms, in one statement: one round trip and one commit for all of them.
 * The rooms' rows are locked in id order (two batches never wait on each other in a circle), with the lock
 * the counter's UPDATE takes anyway (NO KEY UPDATE: foreign-key checks, as a sign-up's, do not wait on it).
 * Whether the author may write there (room-access.ts) is read from the locked row, so a change that commits
 * first wins. Each room takes as many seqs as it has messages (room-seq.ts), in the order given.
 * A message that is not that simple (no room, not allowed, archived, a client id already used) is not
 * stored here: its slot comes back undefined, for the one-message path to store or explain.
 * Each message's mentions (store/mentions.repo.ts) are recorded in the same statement; their names travel as
 * one space-separated text per message (a name has no space), as arrays of arrays must be rectangular.
 */
export async function insertBatch(
  db: Kysely<Database>,
  inputs: readonly NewMessage[],
): Promise<Array<Message | undefined>> {
  const { rows } = await sql<{
    id: number
    seq: number
    created_at: Date
    room_id: number
    client_id: string
  }>`
    WITH input AS (
      SELECT * FROM unnest(${inputs.map((m) => m.roomId)}::int[], ${inputs.map((m) => m.authorId)}::int[],
        ${inputs.map((m) => m.body)}::text[], ${inputs.map((m) => m.clientId)}::text[],
        ${inputs.map((m) => mentionedNames(m.body).join(' '))}::text[])
        WITH ORDINALITY AS i(room_id, author_id, body, client_id, names, ord)),
    locked AS (
      SELECT id, private, archived_at FROM rooms WHERE id IN (SELECT room_id FROM input)
      ORDER BY id FOR NO KEY UPDATE),
    ok AS (
      SELECT i.*, row_number() OVER (PARTITION BY i.room_id ORDER BY i.ord) AS k
      FROM input i JOIN locked rooms ON rooms.id = i.room_id
      WHERE ${canWrite(sql.ref<number>('i.author_id'))}
        AND NOT EXISTS (SELECT 1 FROM messages g WHERE g.room_id = i.room_id AND g.client_id = i.client_id)),
    taken AS (${takeSeqs(sql`(SELECT room_id, count(*) FROM ok GROUP BY room_id)`)}),
    stored AS (INSERT INTO messages (room_id, seq, author_id, body, client_id)
      SELECT ok.room_id, t.first_seq + ok.k - 1, ok.author_id, ok.body, ok.client_id
      FROM ok JOIN taken t ON t.room_id = ok.room_id
      RETURNING id, seq, created_at, room_id, client_id, author_id),
    mentions AS (INSERT INTO message_mentions (user_id, room_id, seq, message_id)
      SELECT u.id, s.room_id, s.seq, s.id
      FROM stored s JOIN input i ON i.room_id = s.room_id AND i.client_id = s.client_id AND i.names <> ''
      JOIN users u ON lower(u.username) = ANY(string_to_array(i.names, ' ')) AND u.id <> s.author_id)
    SELECT id, seq, created_at, room_id, client_id FROM stored`.execute(db)
  // (room, client id) is unique among the stored messages, so it names each input.
  const byKey = new Map(rows.map((row) => [`${row.room_id} ${row.client_id}`, row]))
  return inputs.map((m) => {
    const row = byKey.get(`${m.roomId} ${m.clientId}`)
    if (!row) return undefined
    const { id, seq, created_at } = row
    const { roomId, authorId, author, body } = m
    return { id, roomId, seq, authorId, author, body, createdAt: new Date(created_at), editedAt: null }
  })
}
