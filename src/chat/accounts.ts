import type { Kysely } from 'kysely'
import { newDeviceToken } from '../auth/device.ts'
import { hashPassword, verifyPassword } from '../auth/password.ts'
import { hashToken, newToken } from '../auth/tokens.ts'
import type { Clock } from '../clock.ts'
import { isUniqueViolation } from '../store/pg-errors.ts'
import type { Database } from '../store/schema.ts'
import { deleteSession, findSessionUser, insertSession } from '../store/sessions.repo.ts'
import { countUsers, findUserByUsername, insertUser } from '../store/users.repo.ts'
import { Invalid, RateLimited } from './errors.ts'
import { addressKey, type RateLimiter, type Rules, takeOrThrow } from './limits.ts'
import type { Announcer, User } from './types.ts'
import * as valid from './validate.ts'

type Db = Kysely<Database>

export interface SignInDeps {
  db: Db
  limiter: RateLimiter
  rules: Rules
}

export interface Credentials {
  username: unknown
  password: unknown
}

/** What refuses a flood of sign-ups from one address (the CLI, run by the operator, has none). */
export interface SignUpLimit {
  limiter: RateLimiter
  rules: Rules
  ip: string
}

/**
 * Creates an account. The first account of an install becomes its admin. Sign-ups from one address are
 * limited, and refused before the (19 MiB, CPU-heavy) hash is made.
 */
export async function signUp(db: Db, input: Credentials, limit?: SignUpLimit): Promise<User> {
  const username = valid.username(input.username)
  const password = valid.password(input.password)
  if (limit)
    await takeOrThrow(limit.limiter, `signup:ip:${addressKey(limit.ip)}`, limit.rules.signup, (s) =>
      s < 60
        ? `Too many sign-ups from your address. Try again in ${s} s.`
        : `Too many sign-ups from your address. Try again in ${Math.ceil(s / 60)} min.`,
    )
  try {
    return await insertUser(db, username, await hashPassword(password))
  } catch (err) {
    if (isUniqueViolation(err)) throw new Invalid({ username: 'That username is taken.' })
    throw err
  }
}

/** Nobody has an account yet: the front door leads to sign-up, and whoever signs up first is the admin. */
export async function isFirstRun(db: Db): Promise<boolean> {
  return (await countUsers(db)) === 0
}

const tooMany = (ms: number) =>
  new RateLimited(
    ms < 60_000
      ? `Too many sign-in attempts. Try again in ${Math.max(1, Math.ceil(ms / 1000))} s.`
      : `Too many sign-in attempts. Try again in ${Math.ceil(ms / 60_000)} min.`,
    ms,
  )

/**
 * Checks a username and password; the same error for an unknown user and a wrong password. Attempts are
 * limited before any hashing: per address over all accounts, per account and address with growing delays,
 * and per account for browsers that never signed in to it (OWASP). The owner's own browsers always get in.
 */
export async function signIn(
  deps: SignInDeps,
  input: Credentials & {
    ip: string
    device?: (user: { id: number; passwordHash: string }) => string | undefined
  },
): Promise<User> {
  const { db, limiter, rules } = deps
  const name = typeof input.username === 'string' ? input.username.trim() : ''
  const password = typeof input.password === 'string' ? input.password : ''
  const address = addressKey(input.ip)
  const byAddress = await limiter.take(`login:ip:${address}`, rules.login)
  if (!byAddress.ok) throw tooMany(byAddress.retryAfterMs)
  // A name nobody can have (a NUL, 5 kB of text) is not looked up; the dummy hash still takes its time.
  const known = valid.isUsername(name)
  const pair = `login:pair:${address}:${known ? name.toLowerCase() : '?'}`
  const tried = await limiter.attempt(pair, rules.loginPair)
  if (!tried.ok) throw tooMany(tried.retryAfterMs)
  const user = known ? await findUserByUsername(db, name) : undefined
  // Guesses spread over many addresses meet here: one budget per account name (known or not, so it tells
  // nobody which exist) for browsers that have not signed in to it before, and one per device cookie for
  // those that have (a stolen cookie buys no more). The owner's own browsers never share the first.
  const nonce = user && input.device?.({ id: user.id, passwordHash: user.password_hash })
  const budget = nonce ? `login:device:${nonce}` : `login:account:${known ? name.toLowerCase() : '?'}`
  const byAccount = await limiter.take(budget, rules.loginAccount)
  if (!byAccount.ok) throw tooMany(byAccount.retryAfterMs)
  const ok = await verifyPassword(user?.password_hash, password)
  if (!user || !ok) throw new Invalid({ form: 'Wrong username or password.' })
  await limiter.forget(pair)
  // Said only after the right password: it tells nobody else whether the account exists.
  if (user.deactivated)
    throw new Invalid({ form: 'This account is deactivated. Ask an admin to reactivate it.' })
  return { id: user.id, username: user.username, role: user.role }
}

/** A device cookie for this browser, bound to the account's current password (see auth/device.ts). */
export async function deviceTokenFor(
  db: Db,
  secret: string,
  user: User,
  clock: Clock,
): Promise<string | undefined> {
  const row = await findUserByUsername(db, user.username)
  return row && newDeviceToken(secret, row.id, row.password_hash, clock.now())
}

/** Opens a server-side session; the returned token goes in the cookie and only its hash is stored. */
export async function startSession(
  db: Db,
  user: User,
  days: number,
  clock: Clock,
): Promise<{ token: string; expires: Date }> {
  const token = newToken()
  const expires = new Date(clock.now() + days * 86_400_000)
  await insertSession(db, hashToken(token), user.id, expires)
  return { token, expires }
}

/** The person behind a session cookie, while its session lasts by `clock`. */
export function sessionUser(db: Db, token: string, clock: Clock): Promise<User | undefined> {
  return findSessionUser(db, hashToken(token), new Date(clock.now()))
}

/** Signs out: the session is deleted, and its open sockets everywhere are closed at once. */
export async function endSession(deps: { db: Db; announce: Announcer }, token: string): Promise<void> {
  const hash = hashToken(token)
  await deleteSession(deps.db, hash)
  deps.announce.sessionEnded(hash)
}
