import { Forbidden, Invalid, isOutcomeUnknown, isStoreUnavailable, RateLimited } from './errors.ts'
import type { Message } from './types.ts'

// What the composer is told about one send, worded once for both transports: the socket's answer frames
// and the no-JS form's pages. The transports only render it (and log what is theirs to log).

/** How one send ended: stored (under the page's key), or an error from admitting or storing it. */
export type PostOutcome = { message: Message; key: string } | { err: unknown }

/** The words of the page a no-JS post gets back when the database is away: its text, ready to send again. */
export interface UnsentWords {
  title: string
  heading: string
  text: string
}

export type ComposerAnswer =
  /** Stored: the message itself reaches the page through the room, like everyone's. */
  | { kind: 'stored'; key: string; message: Message }
  /** Refused for a reason the sender can act on (bad input, too quick, archived, an expired page): text kept. */
  | { kind: 'refused'; reason: string }
  /**
   * Not stored yet, or not known to be: the page keeps the message and sends it again under the same key,
   * which stores it once whatever happened. A resend too quick is held, never handed back: its first try
   * may be stored, and a send under a new key would store it twice.
   */
  | { kind: 'retry'; cause: 'rate-limited'; key: string; note: string }
  | { kind: 'retry'; cause: 'unavailable' | 'unknown'; key: string; note: string; page: UnsentWords }
  /** Our bug (logged by the transport): the text goes back in the box. */
  | { kind: 'failed'; reason: string }

const UNAVAILABLE = {
  note: 'Not sent yet: Parley cannot reach its database. Trying again…',
  page: {
    title: 'Not sent',
    heading: 'Your message was not sent',
    text: 'Parley cannot reach its database right now, so nothing was saved. Your message is below: send it again in a moment.',
  },
}

// Said honestly: when the connection died while the statement was under way, the message may be stored.
const UNKNOWN = {
  note: 'Not confirmed yet: the database connection was lost before it answered. Checking again…',
  page: {
    title: 'Not confirmed',
    heading: 'Your message is not confirmed yet',
    text: "The connection to Parley's database broke before it answered, so the message may or may not have been saved. Send it again: it will be stored once, never twice.",
  },
}

/**
 * The answer to one send. `key` is the page's key for it when the page can send it again under that key
 * (a socket frame with a valid one; a no-JS form, which posts its fields back); `resend`: the page is
 * sending again a message it still holds.
 */
export function composerAnswer(
  outcome: PostOutcome,
  { key, resend }: { key: string | undefined; resend: boolean },
): ComposerAnswer {
  if ('message' in outcome) return { kind: 'stored', key: outcome.key, message: outcome.message }
  const { err } = outcome
  if (resend && key !== undefined && err instanceof RateLimited)
    return {
      kind: 'retry',
      cause: 'rate-limited',
      key,
      note: 'Not sent yet: many messages at once. Trying again…',
    }
  if (err instanceof Invalid) return { kind: 'refused', reason: Object.values(err.fields).join(' ') }
  if (err instanceof RateLimited || err instanceof Forbidden) return { kind: 'refused', reason: err.message }
  if (key !== undefined && isStoreUnavailable(err)) {
    const cause = isOutcomeUnknown(err) ? 'unknown' : 'unavailable'
    return { kind: 'retry', cause, key, ...(cause === 'unknown' ? UNKNOWN : UNAVAILABLE) }
  }
  return {
    kind: 'failed',
    reason:
      'Your message was not sent: something went wrong on our side. It is back in the box: send it again.',
  }
}
