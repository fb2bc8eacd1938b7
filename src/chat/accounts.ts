import type { Kysely } from 'kysely'
import { hashPassword, verifyPassword } from '../auth/password.ts'
import { hashToken, newToken } from '../auth/tokens.ts'
import { isUniqueViolation } from '../store/pg-errors.ts'
import type { Database } from '../store/schema.ts'
import { deleteSession, findSessionUser, insertSession } from '../store/sessions.repo.ts'
import { findUserByUsername, insertUser } from '../store/users.repo.ts'
import { Invalid } from './errors.ts'
import type { User } from './types.ts'
import * as valid from './validate.ts'

type Db = Kysely<Database>

export interface Credentials {
  username: unknown
  password: unknown
}

/** Creates an account. The first account of an install becomes its admin. */
export async function signUp(db: Db, input: Credentials): Promise<User> {
  const username = valid.username(input.username)
  const password = valid.password(input.password)
  try {
    return await insertUser(db, username, await hashPassword(password))
  } catch (err) {
    if (isUniqueViolation(err)) throw new Invalid({ username: 'That username is taken.' })
    throw err
  }
}

/** Checks a username and password; the same error for an unknown user and a wrong password. */
export async function signIn(db: Db, input: Credentials): Promise<User> {
  const name = typeof input.username === 'string' ? input.username.trim() : ''
  const password = typeof input.password === 'string' ? input.password : ''
  const user = name ? await findUserByUsername(db, name) : undefined
  const ok = await verifyPassword(user?.password_hash, password)
  if (!user || !ok) throw new Invalid({ form: 'Wrong username or password.' })
  return { id: user.id, username: user.username, role: user.role }
}

/** Opens a server-side session; the returned token goes in the cookie and only its hash is stored. */
export async function startSession(
  db: Db,
  user: User,
  days: number,
): Promise<{ token: string; expires: Date }> {
  const token = newToken()
  const expires = new Date(Date.now() + days * 86_400_000)
  await insertSession(db, hashToken(token), user.id, expires)
  return { token, expires }
}

export function sessionUser(db: Db, token: string): Promise<User | undefined> {
  return findSessionUser(db, hashToken(token))
}

export function endSession(db: Db, token: string): Promise<void> {
  return deleteSession(db, hashToken(token))
}
