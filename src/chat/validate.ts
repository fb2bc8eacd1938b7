import { MAX_NAME, USERNAME_RE } from '../mentions.ts'
import { Invalid } from './errors.ts'

export const MAX_BODY = 4000
export const MIN_PASSWORD = 8
const MAX_PASSWORD = 1024
const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/
/**
 * The largest message number a cursor may name: seqs and ids are bigint (migration 20261201000000_bigint), read
 * as JS numbers, exact up to 2^53; less room for the page around a cursor.
 */
export const MAX_CURSOR = Number.MAX_SAFE_INTEGER - 1000

// Postgres text cannot hold a NUL (the query fails), and no keyboard types one: refused wherever text is taken.
const NUL = '\u0000'

/** Refuses a NUL in a field's text, naming the field. */
export function noNul(value: string, field: string, what = 'This'): string {
  if (value.includes(NUL)) throw new Invalid({ [field]: `${what} cannot contain the NUL character.` })
  return value
}

export function username(raw: unknown): string {
  const value = typeof raw === 'string' ? raw.trim() : ''
  if (!USERNAME_RE.test(value)) {
    throw new Invalid({ username: `Use 1 to ${MAX_NAME} letters, digits, "_", "-" or ".".` })
  }
  return value
}

/** Whether a name typed to find someone (sign-in, add a member) could be a username: else nobody has it. */
export function isUsername(raw: unknown): raw is string {
  return typeof raw === 'string' && USERNAME_RE.test(raw)
}

/** What the search box asked for: trimmed, at most 200 characters, no NUL. */
export function searchText(raw: unknown): string {
  const q = typeof raw === 'string' ? raw.trim() : ''
  if (q.length > 200) throw new Invalid({ q: 'Use at most 200 characters.' })
  return noNul(q, 'q', 'A search')
}

export function password(raw: unknown): string {
  const value = typeof raw === 'string' ? raw : ''
  if ([...value].length < MIN_PASSWORD)
    throw new Invalid({ password: `Use at least ${MIN_PASSWORD} characters.` })
  if (value.length > MAX_PASSWORD) throw new Invalid({ password: `Use at most ${MAX_PASSWORD} characters.` })
  return noNul(value, 'password', 'A password')
}

/** A message body: line endings normalised, outer blank space trimmed, 1 to MAX_BODY characters. */
export function body(raw: unknown): string {
  const value = typeof raw === 'string' ? raw.replace(/\r\n?/g, '\n').trim() : ''
  if (value === '') throw new Invalid({ body: 'Write something first.' })
  noNul(value, 'body', 'Messages')
  const length = [...value].length
  if (length > MAX_BODY) {
    throw new Invalid({
      body: `Messages can be at most ${MAX_BODY.toLocaleString('en')} characters (this one has ${length.toLocaleString('en')}).`,
    })
  }
  return value
}

export function isClientId(raw: unknown): raw is string {
  return typeof raw === 'string' && CLIENT_ID.test(raw)
}

export function clientId(raw: unknown): string {
  if (!isClientId(raw)) {
    throw new Invalid({ body: 'This form is out of date: reload the page and send again.' })
  }
  return raw
}

export function roomName(raw: unknown): string {
  const value = typeof raw === 'string' ? raw.trim().replace(/\s+/g, ' ') : ''
  if (value.length < 1 || value.length > 60) throw new Invalid({ name: 'Use 1 to 60 characters.' })
  return noNul(value, 'name', 'A name')
}

export function topic(raw: unknown): string {
  const value = typeof raw === 'string' ? raw.trim() : ''
  if (value.length > 200) throw new Invalid({ topic: 'Use at most 200 characters.' })
  return noNul(value, 'topic', 'A topic')
}

/** A URL-safe slug from a room name: "Team Café!" → "team-cafe". */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '')
  if (!slug) throw new Invalid({ name: 'Use at least one letter or digit.' })
  return slug
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/

/** Whether a room address from a URL could be one at all (else: no such room, without asking the database). */
export function isSlug(raw: unknown): raw is string {
  return typeof raw === 'string' && raw.length <= 48 && SLUG.test(raw)
}

/** A room's address as typed (lower-case letters, digits and single dashes), or derived from its name if blank. */
export function slug(raw: unknown, name: string): string {
  const value = typeof raw === 'string' ? raw.trim() : ''
  if (value === '') return slugify(name)
  if (value.length > 48 || !SLUG.test(value))
    throw new Invalid({
      slug: 'Use up to 48 lower-case letters, digits and single dashes, like "team-chat".',
    })
  return value
}

/** A checkbox: present and "on" (or "true") means yes. */
export function checked(raw: unknown): boolean {
  return raw === 'on' || raw === 'true' || raw === true
}

/** A record id from a path or form: a positive whole number, else the thing does not exist. */
export function id(raw: unknown): number | undefined {
  const n =
    typeof raw === 'string' && /^\d{1,9}$/.test(raw)
      ? Number(raw)
      : typeof raw === 'number'
        ? raw
        : Number.NaN
  return Number.isSafeInteger(n) && n > 0 ? n : undefined
}

/** A history cursor from the query string: a positive seq, or undefined when absent. */
export function cursor(raw: unknown): number | undefined {
  if (raw === undefined || raw === '') return undefined
  // Only a string of digits or a number: a repeated parameter (an array) or anything else is refused.
  const n =
    typeof raw === 'string' && /^\d{1,16}$/.test(raw)
      ? Number(raw)
      : typeof raw === 'number'
        ? raw
        : Number.NaN
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_CURSOR)
    throw new Invalid({ cursor: 'Use a message number.' })
  return n
}
