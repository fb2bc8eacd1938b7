import type { Kysely } from 'kysely'
import type { Database } from '../store/schema.ts'
import { Forbidden } from './errors.ts'
import type { Announcer, User } from './types.ts'

/** What the admin use cases need: the store, and the announcer for the live effects of what they change. */
export interface AdminDeps {
  db: Kysely<Database>
  announce: Announcer
}

/** Every admin use case starts here: the server decides, whatever the page showed. */
export function requireAdmin(viewer: User): User {
  if (viewer.role !== 'admin') throw new Forbidden('Only admins can do that.')
  return viewer
}

/** A short, single-line excerpt of a text for the audit log. */
export function excerpt(text: string, max = 60): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return [...line].length > max ? `${[...line].slice(0, max - 1).join('')}…` : line
}
