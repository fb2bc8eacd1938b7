import type { Kysely } from 'kysely'
import type { Database } from './schema.ts'

/** Reads a setting, storing `fallback` first if it is missing; every node ends up with the same value. */
export async function settingOrInsert(db: Kysely<Database>, key: string, fallback: string): Promise<string> {
  await db
    .insertInto('settings')
    .values({ key, value: fallback })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirstOrThrow()
  return row.value
}
