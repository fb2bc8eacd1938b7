import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../../src/store/schema.ts'

/**
 * Who may read or write a room, written out in full: every kind of room × every kind of person × active or
 * deactivated. The outsider is an active member of no room; the member belongs to every room; the admin to none.
 */
export const TABLE = `
  open              member    active       read  write
  open              outsider  active       read  write
  open              admin     active       read  write
  private           member    active       read  write
  private           outsider  active       -     -
  private           admin     active       read  write
  archived          member    active       read  -
  archived          outsider  active       read  -
  archived          admin     active       read  -
  archived-private  member    active       read  -
  archived-private  outsider  active       -     -
  archived-private  admin     active       read  -
  open              member    deactivated  -     -
  open              outsider  deactivated  -     -
  open              admin     deactivated  -     -
  private           member    deactivated  -     -
  private           outsider  deactivated  -     -
  private           admin     deactivated  -     -
  archived          member    deactivated  -     -
  archived          outsider  deactivated  -     -
  archived          admin     deactivated  -     -
  archived-private  member    deactivated  -     -
  archived-private  outsider  deactivated  -     -
  archived-private  admin     deactivated  -     -`

/** One line of the table. `person` names a seeded user: kind and state, e.g. 'member-deactivated'. */
export interface Row {
  room: string
  person: string
  kind: 'member' | 'outsider' | 'admin'
  active: boolean
  read: boolean
  write: boolean
}

export const ROWS: Row[] = TABLE.trim()
  .split('\n')
  .map((line) => {
    const [room, kind, state, read, write] = line.trim().split(/\s+/) as string[]
    const person = `${kind}-${state}`
    return {
      room: room as string,
      person,
      kind: kind as Row['kind'],
      active: state === 'active',
      read: read === 'read',
      write: write === 'write',
    }
  })
export const ROOMS = [...new Set(ROWS.map((r) => r.room))]
export const PEOPLE = [...new Set(ROWS.map((r) => r.person))]

export interface Seeded {
  /** A room of the table by its name there, with what the in-memory check needs of it. */
  room: Map<string, { id: number; private: boolean; archived: boolean }>
  /** A person of the table (e.g. 'member-active') by name: their user id. */
  person: Map<string, number>
}

/** The table's rooms and people, written to the database, with one message ('needle') in each room. */
export async function seedAccessTable(db: Kysely<Database>): Promise<Seeded> {
  const room: Seeded['room'] = new Map()
  const person: Seeded['person'] = new Map()
  const id = (name: string) => person.get(name) as number
  for (const slug of ROOMS) {
    const facts = { private: slug.endsWith('private'), archived: slug.startsWith('archived') }
    const row = await db
      .insertInto('rooms')
      .values({
        slug,
        name: slug,
        private: facts.private,
        archived_at: facts.archived ? new Date() : null,
        last_seq: 1, // its message (below) has seq 1
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    room.set(slug, { id: row.id, ...facts })
  }
  for (const name of PEOPLE) {
    const row = await db
      .insertInto('users')
      .values({
        username: name,
        password_hash: 'x',
        role: name.startsWith('admin') ? 'admin' : 'member',
        deactivated_at: name.endsWith('-deactivated') ? new Date() : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    person.set(name, row.id)
    if (name.startsWith('member-'))
      for (const { id: r } of room.values())
        await db.insertInto('room_members').values({ room_id: r, user_id: row.id }).execute()
  }
  // One message in each room, for search to find (or not).
  for (const { id: r } of room.values())
    await db
      .insertInto('messages')
      .values({
        room_id: r,
        seq: 1,
        author_id: id('admin-active'),
        body: 'needle',
        client_id: randomUUID(),
      })
      .execute()
  return { room, person }
}
