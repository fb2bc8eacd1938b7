import { safeEqual } from '../../auth/tokens.ts'
import { type ComposerAnswer, composerAnswer, type PostOutcome } from '../../chat/composer-answer.ts'
import { Forbidden } from '../../chat/errors.ts'
import { admitPost, type SendOrder } from '../../chat/post-message.ts'
import { isClientId } from '../../chat/validate.ts'
import { ids } from '../../render/dom-ids.ts'
import { renderSendAck, renderSendError, renderSendRetry } from '../../render/frames.ts'
import type { RealtimeDeps } from '../deps.ts'
import type { Client } from './client.ts'
import { perSocket } from './per-socket.ts'

/**
 * The part of a message that runs in the socket's turn: whether it was admitted, and `stored`, which settles
 * once its answer has gone back: stored (true) or not (false).
 */
export type SendTurn = () => Promise<{ admitted: boolean; stored: Promise<boolean> }>

/**
 * Each socket's sends: charged to the rate limit in the order they came (see admitPost), and the last answer
 * due (the next waits for it, so answers keep the frames' order).
 */
const sendsOf = perSocket((): { order: SendOrder; replies: Promise<unknown> } => ({
  order: {},
  replies: Promise.resolve(),
}))

/** Settles once every answer due to this socket's sends has gone back (a stopping node waits for them). */
export function answersDue(client: Client): Promise<unknown> {
  return sendsOf(client).replies
}

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
  const send = { key: isClientId(frame.clientId) ? frame.clientId : undefined, resend: frame.resend === true }
  const answerInOrder = answerer(deps, client, send, body)
  if (!safeEqual(frame.csrf, client.csrf)) {
    const expired = new Forbidden('This page has expired: reload it to send messages.')
    return async () => ({ admitted: false, stored: answerInOrder(Promise.resolve({ err: expired })) })
  }
  const { order } = sendsOf(client)
  // Settled either way at once: a refusal waits, handled, for the turn.
  const admitting = admitPost(deps, client.user, client.room, frame, {
    mayBeStored: send.resend,
    order,
  }).then(
    (post) => ({ post }),
    (err: unknown) => ({ err }),
  )
  return async () => {
    const admitted = await admitting
    if ('err' in admitted) return { admitted: false, stored: answerInOrder(Promise.resolve(admitted)) }
    const { post } = admitted
    const storing = post.store().then(
      (message) => ({ message, key: post.clientId }),
      (err: unknown) => ({ err }),
    )
    return { admitted: true, stored: answerInOrder(storing) }
  }
}

/**
 * Answers a send once its outcome is known. The answers go back in the order the frames came: each waits
 * for the answers before it, so a quick refusal never overtakes the answer to an earlier message still being
 * stored. Settles once the answer is sent: stored (true) or not (false).
 */
function answerer(
  deps: RealtimeDeps,
  client: Client,
  send: { key: string | undefined; resend: boolean },
  body: string,
): (outcome: Promise<PostOutcome>) => Promise<boolean> {
  return (outcome) => {
    const sends = sendsOf(client)
    const done = Promise.all([sends.replies, outcome]).then(([, settled]) => {
      const answer = composerAnswer(settled, send)
      logAnswer(deps, client, answer, settled)
      client.send(answerFrame(answer, send.key, body))
      return answer.kind === 'stored'
    })
    sends.replies = done.catch(() => undefined)
    return done
  }
}

/**
 * The frame for a send's answer, for its page only. Stored: the message itself arrives through the room
 * like everyone's; this only tells the page it is stored. Not stored yet: the page keeps it as "sending…"
 * and sends it again with the same key (the page backs off).
 */
function answerFrame(answer: ComposerAnswer, key: string | undefined, body: string): string {
  switch (answer.kind) {
    case 'stored':
      return renderSendAck(answer.key, ids.message(answer.message.id))
    case 'retry':
      return renderSendRetry(answer.key, body, answer.note)
    default:
      return renderSendError(key, answer.reason)
  }
}

function logAnswer(deps: RealtimeDeps, client: Client, answer: ComposerAnswer, outcome: PostOutcome): void {
  const where = {
    err: 'err' in outcome ? outcome.err : undefined,
    user: client.user.id,
    room: client.room.id,
  }
  if (answer.kind === 'failed') deps.log.error(where, 'send failed')
  else if (answer.kind === 'retry' && answer.cause !== 'rate-limited')
    deps.log.warn(
      where,
      answer.cause === 'unknown'
        ? 'send outcome unknown; the page retries'
        : 'send not stored; the page retries',
    )
}
