import type { Kysely, Transaction } from 'kysely'
import type { User } from './records.ts'
import type { Database } from './schema.ts'

export async function insertSession(
  db: Kysely<Database>,
  tokenHash: string,
  userId: number,
  expiresAt: Date,
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ token_hash: tokenHash, user_id: userId, expires_at: expiresAt })
    .execute()
}

/** The user behind a live session at `at`, or undefined for an unknown or expired one. */
export async function findSessionUser(
  db: Kysely<Database>,
  tokenHash: string,
  at: Date,
): Promise<User | undefined> {
  return (await findLiveSession(db, tokenHash, at))?.user
}

/** A session live at `at`: its user, and when it ends (sessions do not slide: the end is set at sign-in). */
export async function findLiveSession(
  db: Kysely<Database>,
  tokenHash: string,
  at: Date,
): Promise<{ user: User; expiresAt: Date } | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.username', 'users.role', 'sessions.expires_at'])
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.expires_at', '>', at)
    .where('users.deactivated_at', 'is', null)
    .executeTakeFirst()
  if (!row) return undefined
  const { expires_at, ...user } = row
  return { user, expiresAt: new Date(expires_at) }
}

export async function deleteSession(db: Kysely<Database>, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute()
}

export async function deleteExpiredSessions(db: Kysely<Database>, at: Date): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', at).execute()
}

/** Ends every session of a person (deactivated, or their password was reset). */
export async function deleteUserSessions(
  db: Kysely<Database> | Transaction<Database>,
  userId: number,
): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute()
}
