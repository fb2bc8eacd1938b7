import type { Kysely } from 'kysely'
import { typedMention } from '../mentions.ts'
import type { Database } from '../store/schema.ts'
import { type Hit, namesLike, searchMessages } from '../store/search.repo.ts'
import type { Room, User } from './types.ts'
import * as valid from './validate.ts'

export type { Hit }
export const SEARCH_LIMIT = 50

/** The messages matching `q` in the rooms `viewer` can read, newest first; an empty query finds nothing. */
export async function search(
  db: Kysely<Database>,
  viewer: User,
  raw: unknown,
): Promise<{ q: string; hits: Hit[] }> {
  const q = valid.searchText(raw)
  if (!q) return { q, hits: [] }
  return {
    q,
    hits: await searchMessages(db, viewer.id, q, SEARCH_LIMIT),
  }
}

/** Who "@prefix" at the end of a draft could be, among the people who can read the room. */
export async function mentionSuggestions(
  db: Kysely<Database>,
  room: Room,
  draft: unknown,
): Promise<string[]> {
  const prefix = typeof draft === 'string' ? typedMention(draft) : undefined
  if (prefix === undefined) return []
  return namesLike(db, room.id, prefix, 6)
}
