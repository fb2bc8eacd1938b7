/**
 * The username and @mention grammar, written once. A username is 1 to 32 ASCII letters, digits, "_", "." or
 * "-"; a mention is "@" and a name, as a whole word (not after a name character, so "a@b.com" is none), without
 * a sentence's final "." or "-" ("@bob." names bob). Everything that reads names in text is derived from here:
 * the validator (chat/validate.ts), the highlighting and the names a message mentions (render/linkify.ts, and
 * the live badges), the mentions recorded when a message is stored (store/mentions.repo.ts; the migration
 * that backfilled them writes the grammar in SQL, checked by tests/integration/message-mentions.test.ts) and the composer's "@prefix"
 * suggestions (chat/search.ts). public/compose.js cannot import it: tests/unit/mentions.test.ts checks its
 * pattern against this one.
 *
 * Top level and import-free (like forwarded.ts) because store/ needs it and may not import chat/ above it.
 */

// A username's characters, in a bracket expression JS and Postgres (ARE) read the same way.
const NAME_CHARS = 'A-Za-z0-9_.-'
/** One character of a username, as a regex character class. */
export const NAME_CHAR = `[${NAME_CHARS}]`
/** Anything but: what must come before "@" unless it starts the text. */
const NOT_NAME_CHAR = `[^${NAME_CHARS}]`
export const MAX_NAME = 32
/** What ends a sentence rather than a name: dropped from the end of what follows "@". */
const TRAILING = '[.-]'

/** A whole username (the validator's rule). */
export const USERNAME_RE = new RegExp(`^${NAME_CHAR}{1,${MAX_NAME}}$`)

// Group 1 is what precedes the "@" (consumed, so a match starts before it); group 2 is the name as written.
const MENTION_RE = new RegExp(`(^|${NOT_NAME_CHAR})@(${NAME_CHAR}{1,${MAX_NAME}})`, 'g')
const TRAILING_RE = new RegExp(`${TRAILING}+$`)
// A draft that ends while a name is being typed: "@" and 0 to 32 name characters, at its very end.
const TYPING_RE = new RegExp(`(?:^|${NOT_NAME_CHAR})@(${NAME_CHAR}{0,${MAX_NAME}})$`)

export interface Mention {
  /** Where its "@" is in the text. */
  at: number
  /** The name as written (its case kept), without the trailing "." or "-". */
  name: string
}

/** Every mention in a text, in order. */
export function* mentionsIn(text: string): Generator<Mention> {
  for (const m of text.matchAll(MENTION_RE)) {
    const name = (m[2] as string).replace(TRAILING_RE, '')
    if (name) yield { at: m.index + (m[1] as string).length, name }
  }
}

/** The names mentioned in a text, lower-cased, each once: what a message would record as its mentions. */
export function mentionedNames(text: string): string[] {
  return [...new Set(Array.from(mentionsIn(text), (m) => m.name.toLowerCase()))]
}

/** The name being typed after a trailing "@" of a draft ("" for a bare "@"), or undefined if there is none. */
export function typedMention(draft: string): string | undefined {
  return TYPING_RE.exec(draft)?.[1]
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')

/**
 * A Postgres regex (for `~*`, which ignores case) matching texts that mention `username`. It counts a few texts
 * the highlighting does not (see tests/integration/mention-grammar.test.ts). No query uses it any more: mentions
 * are recorded when a message is stored (store/mentions.repo.ts); tests still compare against it.
 */
export function mentionPattern(username: string): string {
  return `(^|${NOT_NAME_CHAR})@${escapeRegex(username)}${TRAILING}*($|${NOT_NAME_CHAR})`
}
