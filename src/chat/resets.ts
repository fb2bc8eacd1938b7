import type { Kysely } from 'kysely'
import { hashPassword } from '../auth/password.ts'
import { hashToken } from '../auth/tokens.ts'
import type { Clock } from '../clock.ts'
import { findResetUser, useReset } from '../store/resets.repo.ts'
import type { Database } from '../store/schema.ts'
import { deleteUserSessions } from '../store/sessions.repo.ts'
import { setPasswordHash } from '../store/users.repo.ts'
import { NotFound } from './errors.ts'
import type { Announcer } from './types.ts'
import * as valid from './validate.ts'

const GONE = 'That reset link'

/** Whom a reset link is for; a used, expired or unknown link does not exist. */
export async function resetLinkUser(
  db: Kysely<Database>,
  token: string,
  clock: Clock,
): Promise<{ id: number; username: string }> {
  const user = await findResetUser(db, hashToken(token), new Date(clock.now()))
  if (!user) throw new NotFound(GONE)
  return user
}

/** Sets the new password and uses the link up; every old session (and its sockets) ends. */
export async function redeemResetLink(
  deps: { db: Kysely<Database>; announce: Announcer; clock: Clock },
  token: string,
  password: unknown,
): Promise<void> {
  const value = valid.password(password)
  const hash = await hashPassword(value)
  const userId = await deps.db.transaction().execute(async (trx) => {
    const id = await useReset(trx, hashToken(token), new Date(deps.clock.now()))
    if (id === undefined) throw new NotFound(GONE)
    await setPasswordHash(trx, id, hash)
    await deleteUserSessions(trx, id)
    return id
  })
  deps.announce.userEnded(userId)
}
