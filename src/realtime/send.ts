import { newClientId, safeEqual } from '../auth/tokens.ts'
import { composerError, isStoreUnavailable } from '../chat/errors.ts'
import { admitMessage, storeMessage } from '../chat/messages.ts'
import { isClientId } from '../chat/validate.ts'
import { renderComposerFrame } from '../render/frames.ts'
import type { Client } from './client.ts'
import type { RealtimeDeps } from './deps.ts'

/**
 * The part of a message that runs in the socket's turn: whether it was admitted, and `stored`, which settles
 * once its composer answer has gone back: stored (true) or refused (false).
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
  frame: { body: unknown; clientId: unknown; csrf: string },
): SendTurn {
  const body = typeof frame.body === 'string' ? frame.body : ''
  const keepId = isClientId(frame.clientId) ? frame.clientId : newClientId()
  const composer = (error?: string, clientId = keepId, text = body) =>
    renderComposerFrame({
      slug: client.room.slug,
      live: true,
      csrf: client.csrf,
      clientId,
      body: text,
      error,
    })
  const refused = (err: unknown): false => {
    const error = composerError(err)
    if (error !== undefined) {
      client.send(composer(error))
      return false
    }
    deps.log.error({ err, user: client.user.id, room: client.room.id }, 'send failed')
    const why = isStoreUnavailable(err)
      ? 'Parley cannot reach its database right now'
      : 'something went wrong on our side'
    client.send(composer(`Your message was not sent: ${why}. It is still here: send it again in a moment.`))
    return false
  }
  // The composer answers go back in the order the frames came: each waits for the answers before it, so a
  // quick refusal never overtakes (and is never wiped by) the answer to an earlier message still being stored.
  const inOrder = <T>(after: Promise<T>, answer: (value: T) => boolean): Promise<boolean> => {
    const done = Promise.all([client.replies, after]).then(([, value]) => answer(value))
    client.replies = done.catch(() => undefined)
    return done
  }
  if (!safeEqual(frame.csrf, client.csrf))
    return async () => {
      const stored = inOrder(Promise.resolve(), () => {
        client.send(composer('This page has expired: reload it to send messages.'))
        return false
      })
      return { admitted: false, stored }
    }
  // Settled either way at once: a refusal waits, handled, for the turn.
  const admitted = admitMessage(deps, client.user, { body: frame.body, clientId: frame.clientId }).then(
    (ok) => ({ ok }),
    (err: unknown) => ({ err }),
  )
  return async () => {
    const outcome = await admitted
    if ('err' in outcome) return { admitted: false, stored: inOrder(Promise.resolve(outcome.err), refused) }
    const storing = storeMessage(deps, client.user, client.room, outcome.ok).then(
      () => ({ err: undefined, ok: true }),
      (err: unknown) => ({ err, ok: false }),
    )
    const stored = inOrder(storing, (result) => {
      if (!result.ok) return refused(result.err)
      // Only the composer comes back here; the message itself arrives through the room like everyone's.
      client.send(composer(undefined, newClientId(), ''))
      return true
    })
    return { admitted: true, stored }
  }
}
