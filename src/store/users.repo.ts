import { type Kysely, sql, type Transaction } from 'kysely'
import { startReadAsAdmin } from './first-reads.repo.ts'
import type { User } from './records.ts'
import type { Database, Role } from './schema.ts'

type Db = Kysely<Database> | Transaction<Database>

const FIRST_USER_LOCK = 7_245_002
const ADMINS_LOCK = 7_245_003
const columns = ['id', 'username', 'role'] as const

/** Inserts a user; the first one ever becomes an admin. Two first sign-ups at once cannot both win. */
export function insertUser(db: Kysely<Database>, username: string, passwordHash: string): Promise<User> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${sql.lit(FIRST_USER_LOCK)})`.execute(trx)
    const any = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst()
    const role: Role = any ? 'member' : 'admin'
    const user = await trx
      .insertInto('users')
      .values({ username, password_hash: passwordHash, role })
      .returning(columns)
      .executeTakeFirstOrThrow()
    // A newcomer starts with the rooms' past read: unread counts are about what happens from now on.
    await sql`INSERT INTO room_reads (user_id, room_id, last_read_seq)
      SELECT ${user.id}, id, last_seq FROM rooms`.execute(trx)
    return user
  })
}

/**
 * A user by name, with what signing in needs. Deactivated people are returned too: the caller refuses them.
 * A name with a NUL finds nobody (no username has one, and Postgres text cannot even be compared with it).
 */
export async function findUserByUsername(
  db: Db,
  username: string,
): Promise<(User & { password_hash: string; deactivated: boolean }) | undefined> {
  if (username.includes('\u0000')) return undefined
  return db
    .selectFrom('users')
    .select([...columns, 'password_hash', sql<boolean>`deactivated_at IS NOT NULL`.as('deactivated')])
    .where(sql<string>`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst()
}

export function findUserById(db: Db, id: number): Promise<(User & { deactivated: boolean }) | undefined> {
  return db
    .selectFrom('users')
    .select([...columns, sql<boolean>`deactivated_at IS NOT NULL`.as('deactivated')])
    .where('id', '=', id)
    .executeTakeFirst()
}

export interface Person extends User {
  deactivated: boolean
  createdAt: Date
}

export function listPeople(db: Db): Promise<Person[]> {
  return db
    .selectFrom('users')
    .select([
      ...columns,
      sql<boolean>`deactivated_at IS NOT NULL`.as('deactivated'),
      'created_at as createdAt',
    ])
    .orderBy(sql`lower(username)`)
    .execute()
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * Serialises every change that could leave an install without an active admin (demotion, deactivation):
 * two admins demoting each other at once cannot both succeed.
 */
export async function lockAdmins(trx: Transaction<Database>): Promise<number> {
  await sql`SELECT pg_advisory_xact_lock(${sql.lit(ADMINS_LOCK)})`.execute(trx)
  const row = await trx
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('role', '=', 'admin')
    .where('deactivated_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** A new admin starts with the private rooms they could not read before read up to now (first-reads.repo.ts). */
export async function setRole(db: Db, id: number, role: Role): Promise<User | undefined> {
  if (role === 'admin') await startReadAsAdmin(db, id)
  return db.updateTable('users').set({ role }).where('id', '=', id).returning(columns).executeTakeFirst()
}

export function setDeactivated(db: Db, id: number, deactivated: boolean): Promise<User | undefined> {
  return db
    .updateTable('users')
    .set({ deactivated_at: deactivated ? new Date() : null })
    .where('id', '=', id)
    .returning(columns)
    .executeTakeFirst()
}

export async function setPasswordHash(db: Db, id: number, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute()
}

/** For the operator CLI, which names people by username. */
export async function updateRole(db: Db, username: string, role: Role): Promise<User | undefined> {
  const user = await findUserByUsername(db, username)
  if (user && role === 'admin') await startReadAsAdmin(db, user.id)
  return db
    .updateTable('users')
    .set({ role })
    .where(sql<string>`lower(username)`, '=', username.toLowerCase())
    .returning(columns)
    .executeTakeFirst()
}
