import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely'
import type { Role } from './schema.ts'

/**
 * Who may read or write a room: the one statement of the rule, for every query and every check.
 *
 *   - An open room: every active person reads it.
 *   - A private room: its active members and the active admins read it (to anyone else it does not exist).
 *   - An archived room: read as before, written by nobody.
 *   - Writing: whoever may read a room that is not archived.
 *   - A deactivated person reads and writes nothing.
 *
 * Two forms of the same rule: SQL for the queries (the database holds membership, role and deactivation, and a
 * check under the room's row lock must read them there), and a plain function for code that already holds
 * those facts. tests/integration/room-access.test.ts pins both to one table, so they cannot drift apart.
 */

/** A person in SQL: their user id, or a column that holds it (`sql.ref('i.author_id')`, `eb.ref('users.id')`). */
export type PersonRef = number | Expression<number>

/**
 * Whether the person may read the `rooms` row in scope. Usable in `.where(...)`, `.select(...as(...))` and
 * inside sql`` templates: the query must name its rooms table (or the CTE standing for it) `rooms`.
 */
export function canRead(person: PersonRef): RawBuilder<SqlBool> {
  return sql<SqlBool>`EXISTS (SELECT 1 FROM users reader
    WHERE reader.id = ${person} AND reader.deactivated_at IS NULL
      AND (NOT rooms.private OR reader.role = 'admin'
        OR EXISTS (SELECT 1 FROM room_members rm WHERE rm.room_id = rooms.id AND rm.user_id = reader.id)))`
}

/** Whether the person may write in the `rooms` row in scope (needs its `archived_at`): see canRead. */
export function canWrite(person: PersonRef): RawBuilder<SqlBool> {
  return sql<SqlBool>`(rooms.archived_at IS NULL AND ${canRead(person)})`
}

/** What the plain check needs of a room (a `Room` record has it). */
export interface RoomFacts {
  private: boolean
  archived: boolean
}

/** What the plain check needs of a person, as they are now. */
export interface PersonFacts {
  role: Role
  /** Not deactivated. */
  active: boolean
  /** In the room's member list. */
  member: boolean
}

/** canRead, for facts already at hand (a socket's person and room). */
export function mayRead(room: RoomFacts, person: PersonFacts): boolean {
  return person.active && (!room.private || person.role === 'admin' || person.member)
}

/** canWrite, for facts already at hand. */
export function mayWrite(room: RoomFacts, person: PersonFacts): boolean {
  return !room.archived && mayRead(room, person)
}
