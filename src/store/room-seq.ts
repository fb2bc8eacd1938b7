import { type Expression, type RawBuilder, type SqlBool, sql, type Transaction } from 'kysely'
import type { Database } from './schema.ts'

/**
 * A room's seqs. Every event of a room (a message posted, edited or deleted) takes the room's next number from
 * its counter, rooms.last_seq, and this is the one place that takes them. Taking bumps the counter with an
 * UPDATE, which holds the room row's lock until the statement's transaction ends: so seqs are gapless (a
 * rolled-back statement gives its numbers back) and in commit order (the next taker waits for the lock).
 */

/** The rows (room_id, n) to take seqs for: one room's n. */
export function oneRoom(roomId: number, n = 1): RawBuilder<unknown> {
  return sql`(VALUES (${roomId}::int, ${n}::int))`
}

/**
 * The UPDATE that takes seqs: for each (room_id, n) row of `counts`, the room's next n seqs, if `also` (a
 * condition on `rooms`, checked on the locked row) holds. It returns (room_id, first_seq) for each room that
 * took some: its seqs are first_seq … first_seq + n - 1. Meant as a CTE of the statement that writes with
 * them, so that taking and writing are one statement and one round trip.
 */
export function takeSeqs(
  counts: Expression<unknown>,
  also: Expression<SqlBool> = sql<SqlBool>`TRUE`,
): RawBuilder<{ room_id: number; first_seq: number }> {
  return sql`UPDATE rooms SET last_seq = rooms.last_seq + c.n
    FROM ${counts} AS c (room_id, n)
    WHERE rooms.id = c.room_id AND ${also}
    RETURNING rooms.id AS room_id, rooms.last_seq - c.n + 1 AS first_seq`
}

/**
 * Takes the room's next n seqs on their own, in a transaction that writes with them and commits after;
 * returns the first. The room must exist (lock it first when something else decides whether to write).
 */
export async function nextSeq(trx: Transaction<Database>, roomId: number, n = 1): Promise<number> {
  const { rows } = await sql<{ first_seq: number }>`${takeSeqs(oneRoom(roomId, n))}`.execute(trx)
  const first = rows[0]?.first_seq
  if (first === undefined) throw new Error(`room ${roomId} is gone: no seq to take`)
  return first
}
