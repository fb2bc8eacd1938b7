import { safeEqual } from '../../auth/tokens.ts'
import { type Admitted, chargeMessage, checkMessage } from '../../chat/admit-message.ts'
import { composerError, isOutcomeUnknown, isStoreUnavailable, RateLimited } from '../../chat/errors.ts'
import { storeMessage } from '../../chat/messages.ts'
import { isClientId } from '../../chat/validate.ts'
import { ids } from '../../render/dom-ids.ts'
import { renderSendAck, renderSendError, renderSendRetry } from '../../render/frames.ts'
import type { RealtimeDeps } from '../deps.ts'
import type { Client } from './client.ts'

/**
 * The part of a message that runs in the socket's turn: whether it was admitted, and `stored`, which settles
 * once its answer has gone back: stored (true) or not (false).
 */
export type SendTurn = () => Promise<{ admitted: boolean; stored: Promise<boolean> }>

/**
 * Starts a message the moment its frame arrives: its admission (valid, within the rate limit) begins at once,
 * while the frames before it are still being handled; the limiter hears them in the order sent. The turn,
 * run after those frames, queues the message for storing, so messages are stored in the order sent, and
 * does not wait for the store: the socket's next frame can be admitted meanwhile.
 */
export function startSend(
  deps: RealtimeDeps,
  client: Client,
  frame: { body: unknown; clientId: unknown; csrf: string; resend?: true },
): SendTurn {
  const body = typeof frame.body === 'string' ? frame.body : ''
  // The page's key for this send names its answer; a frame without a valid one gets the composer error only.
  const key = isClientId(frame.clientId) ? frame.clientId : undefined
  const refused = (err: unknown): false => {
    client.send(answerToFailure(deps, client, { key, body, resend: frame.resend === true }, err))
    return false
  }
  // The answers go back in the order the frames came: each waits for the answers before it, so a quick
  // refusal never overtakes the answer to an earlier message still being stored.
  const inOrder = <T>(after: Promise<T>, answer: (value: T) => boolean): Promise<boolean> => {
    const done = Promise.all([client.replies, after]).then(([, value]) => answer(value))
    client.replies = done.catch(() => undefined)
    return done
  }
  if (!safeEqual(frame.csrf, client.csrf))
    return async () => {
      const expired = 'This page has expired: reload it to send messages.'
      const stored = inOrder(Promise.resolve(), () => {
        client.send(renderSendError(key, expired))
        return false
      })
      return { admitted: false, stored }
    }
  // Settled either way at once: a refusal waits, handled, for the turn.
  const admitted = admitInOrder(deps, client, frame).then(
    (ok) => ({ ok }),
    (err: unknown) => ({ err }),
  )
  return async () => {
    const outcome = await admitted
    if ('err' in outcome) return { admitted: false, stored: inOrder(Promise.resolve(outcome.err), refused) }
    const storing = storeMessage(deps, client.user, client.room, outcome.ok).then(
      (message) => ({ message }),
      (err: unknown) => ({ err }),
    )
    const stored = inOrder(storing, (result) => {
      if ('err' in result) return refused(result.err)
      // The message itself arrives through the room like everyone's; this only tells the page it is stored.
      client.send(renderSendAck(outcome.ok.clientId, ids.message(result.message.id)))
      return true
    })
    return { admitted: true, stored }
  }
}

/** Each socket's last charge to the rate limit: the next waits for it, so the limiter hears them in order. */
const charges = new WeakMap<Client, Promise<unknown>>()

/**
 * Admits a message (valid; within the rate limit unless already stored). The stored-key lookups of a
 * socket's resends run at once, side by side; their charges are taken in the order the frames came.
 */
async function admitInOrder(
  deps: RealtimeDeps,
  client: Client,
  frame: { body: unknown; clientId: unknown; resend?: true },
): Promise<Admitted> {
  const { known, ...admitted } = checkMessage(deps, client.user, client.room, frame, frame.resend === true)
  const charged = Promise.all([known, charges.get(client)]).then(([stored]) =>
    stored ? undefined : chargeMessage(deps, client.user),
  )
  charges.set(
    client,
    charged.catch(() => undefined),
  )
  await charged
  return admitted
}

/**
 * What a page is told when its message was not stored, or not known to be. The database away: the page
 * keeps the message as "sending…" and sends it again with the same key, which stores it once whatever
 * happened. Said honestly: when the connection died while the statement was under way, it may be stored.
 */
function answerToFailure(
  deps: RealtimeDeps,
  client: Client,
  { key, body, resend }: { key: string | undefined; body: string; resend: boolean },
  err: unknown,
): string {
  // A resend too quick is not handed back: its first try may be stored, and sending it again would make
  // a new key. It stays "sending…" and goes again after a while (the page backs off).
  if (resend && key !== undefined && err instanceof RateLimited)
    return renderSendRetry(key, body, 'Not sent yet: many messages at once. Trying again…')
  const error = composerError(err)
  if (error !== undefined) return renderSendError(key, error)
  const where = { err, user: client.user.id, room: client.room.id }
  if (key !== undefined && isStoreUnavailable(err)) {
    const unknown = isOutcomeUnknown(err)
    deps.log.warn(
      where,
      unknown ? 'send outcome unknown; the page retries' : 'send not stored; the page retries',
    )
    const note = unknown
      ? 'Not confirmed yet: the database connection was lost before it answered. Checking again…'
      : 'Not sent yet: Parley cannot reach its database. Trying again…'
    return renderSendRetry(key, body, note)
  }
  deps.log.error(where, 'send failed')
  return renderSendError(
    key,
    'Your message was not sent: something went wrong on our side. It is back in the box: send it again.',
  )
}
