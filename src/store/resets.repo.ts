import type { Kysely, Transaction } from 'kysely'
import type { Database } from './schema.ts'

type Db = Kysely<Database> | Transaction<Database>

export async function insertReset(db: Db, tokenHash: string, userId: number, expiresAt: Date): Promise<void> {
  // One live link per person: issuing a new one voids the ones before it.
  await db.deleteFrom('password_resets').where('user_id', '=', userId).where('used_at', 'is', null).execute()
  await db
    .insertInto('password_resets')
    .values({ token_hash: tokenHash, user_id: userId, expires_at: expiresAt })
    .execute()
}

/** The person a live (unused, unexpired at `at`) reset link is for. */
export async function findResetUser(
  db: Db,
  tokenHash: string,
  at: Date,
): Promise<{ id: number; username: string } | undefined> {
  return db
    .selectFrom('password_resets')
    .innerJoin('users', 'users.id', 'password_resets.user_id')
    .select(['users.id', 'users.username'])
    .where('password_resets.token_hash', '=', tokenHash)
    .where('password_resets.used_at', 'is', null)
    .where('password_resets.expires_at', '>', at)
    .where('users.deactivated_at', 'is', null)
    .executeTakeFirst()
}

/** Marks a link live at `at` used, once: a second use (or a race of two) finds nothing. */
export async function useReset(db: Db, tokenHash: string, at: Date): Promise<number | undefined> {
  const row = await db
    .updateTable('password_resets')
    .set({ used_at: at })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .returning('user_id')
    .executeTakeFirst()
  return row?.user_id
}
