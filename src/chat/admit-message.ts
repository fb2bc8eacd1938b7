import { keyStored } from '../store/send-key.repo.ts'
import { takeOrThrow } from './limits.ts'
import type { ChatDeps, PostInput } from './messages.ts'
import { storedKey } from './send-key.ts'
import type { Room, User } from './types.ts'
import * as valid from './validate.ts'

// Admission, the checks before a message is stored: valid input, and the sender within their rate limit
// unless the message is stored already. post-message.ts runs them, in order, for both transports.

/** A message that passed validation and the sender's rate limit, ready to be stored. */
export interface Admitted {
  body: string
  /** The page's key for this send (its answer is named by it). */
  clientId: string
  /** What the message is stored under: storedKey(author, key, text). */
  storedKey: string
}

/**
 * Valid input (or throws at once), and whether it is stored already. A send whose message is stored is a
 * retry whose answer was lost: it costs no token, so it is never refused as too quick and then handed back
 * to be sent again under a new key (stored twice). Looked up only for a send that `mayBeStored` (a page's
 * first try has a new key: no query for it, and nothing that waits on a silent database before its INSERT).
 * If the store cannot say, `known` fails with the store's error, as storing it would.
 */
export function checkMessage(
  deps: ChatDeps,
  viewer: User,
  room: Room,
  input: PostInput,
  mayBeStored: boolean,
): Admitted & { known: Promise<boolean> } {
  const clientId = valid.clientId(input.clientId)
  const body = valid.body(input.body)
  const stored = storedKey(viewer.id, clientId, body)
  const known = mayBeStored ? keyStored(deps.db, room.id, stored) : Promise.resolve(false)
  return { body, clientId, storedKey: stored, known }
}

/** Takes one of the sender's message tokens, or throws RateLimited. */
export function chargeMessage(deps: ChatDeps, viewer: User): Promise<void> {
  return takeOrThrow(
    deps.limiter,
    `msg:${viewer.id}`,
    deps.rules.message,
    (s) => `Slow down: you can send again in ${s} s.`,
  )
}
