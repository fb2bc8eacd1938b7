import { type Kysely, sql } from 'kysely'
import type { User } from './records.ts'
import type { Database, Role } from './schema.ts'

const FIRST_USER_LOCK = 7_245_002
const columns = ['id', 'username', 'role'] as const

/** Inserts a user; the first one ever becomes an admin. Two first sign-ups at once cannot both win. */
export function insertUser(db: Kysely<Database>, username: string, passwordHash: string): Promise<User> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${sql.lit(FIRST_USER_LOCK)})`.execute(trx)
    const any = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst()
    const role: Role = any ? 'member' : 'admin'
    return trx
      .insertInto('users')
      .values({ username, password_hash: passwordHash, role })
      .returning(columns)
      .executeTakeFirstOrThrow()
  })
}

export function findUserByUsername(
  db: Kysely<Database>,
  username: string,
): Promise<(User & { password_hash: string }) | undefined> {
  return db
    .selectFrom('users')
    .select([...columns, 'password_hash'])
    .where(sql<string>`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst()
}

export async function countUsers(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function updateRole(
  db: Kysely<Database>,
  username: string,
  role: Role,
): Promise<User | undefined> {
  return db
    .updateTable('users')
    .set({ role })
    .where(sql<string>`lower(username)`, '=', username.toLowerCase())
    .returning(columns)
    .executeTakeFirst()
}
