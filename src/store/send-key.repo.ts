import type { Kysely } from 'kysely'
import type { Database } from './schema.ts'

/** Whether a message is stored in the room under this key: one probe of the unique (room_id, client_id) index. */
export async function keyStored(db: Kysely<Database>, roomId: number, clientId: string): Promise<boolean> {
  const row = await db
    .selectFrom('messages')
    .select('id')
    .where('room_id', '=', roomId)
    .where('client_id', '=', clientId)
    .executeTakeFirst()
  return row !== undefined
}
