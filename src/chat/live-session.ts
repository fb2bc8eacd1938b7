import type { Kysely } from 'kysely'
import { hashToken } from '../auth/tokens.ts'
import type { Clock } from '../clock.ts'
import type { Database } from '../store/schema.ts'
import { findLiveSession } from '../store/sessions.repo.ts'
import type { User } from './types.ts'

/** The person behind a session cookie and when that session ends: a socket may live no longer than it. */
export function liveSession(
  db: Kysely<Database>,
  token: string,
  clock: Clock,
): Promise<{ user: User; expiresAt: Date } | undefined> {
  return findLiveSession(db, hashToken(token), new Date(clock.now()))
}
