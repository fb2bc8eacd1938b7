import { insertMessage } from '../store/message-writer.ts'
import { type Admitted, chargeMessage, checkMessage } from './admit-message.ts'
import { Forbidden, Invalid, NotFound } from './errors.ts'
import type { ChatDeps, PostInput } from './messages.ts'
import type { Message, Room, User } from './types.ts'

// Posting a message, for both transports, in two phases: admitPost (valid, within the rate limit) and then
// the handle's store(). The no-JS form runs one after the other (postMessage); the socket admits each frame
// the moment it arrives and stores in the order sent without waiting for the store, so a quick sender's
// messages flow through at the store's pace.

/** A message admitted for posting: store() stores it and announces it after the commit. */
export interface AdmittedPost {
  /** The page's key for this send (its answer is named by it). */
  clientId: string
  /**
   * Stores the message (a retry of a stored one returns it) and announces it. It joins the store's queue
   * before it returns (no await comes first), so messages stored one after another keep that order.
   */
  store(): Promise<Message>
}

/** One connection's sends in the order they came: each is charged to the rate limit after the one before. */
export interface SendOrder {
  lastCharge?: Promise<unknown>
}

export interface AdmitOptions {
  /**
   * Whether the message may be stored already (a resend; any no-JS post, whose key is one per page and
   * whose "Send again" posts it again). Such a message is looked up first: stored, it costs no token.
   */
  mayBeStored?: boolean
  /** The connection's order; without one (a form post) the charge is taken at once. */
  order?: SendOrder
}

/**
 * Admits a message: valid input (or throws at once), and the sender within their rate limit unless it is
 * stored already (see checkMessage). The stored-key lookups of one connection's resends run side by side;
 * their charges are taken in `order`.
 */
export async function admitPost(
  deps: ChatDeps,
  viewer: User,
  room: Room,
  input: PostInput,
  { mayBeStored = true, order }: AdmitOptions = {},
): Promise<AdmittedPost> {
  const { known, ...admitted } = checkMessage(deps, viewer, room, input, mayBeStored)
  const charged = Promise.all([known, order?.lastCharge]).then(([stored]) =>
    stored ? undefined : chargeMessage(deps, viewer),
  )
  if (order) order.lastCharge = charged.catch(() => undefined)
  await charged
  return { clientId: admitted.clientId, store: () => storeMessage(deps, viewer, room, admitted) }
}

/**
 * Validates and stores a message, then announces it after the commit. Retrying with the same client id and
 * the same text returns the stored message (see send-key.ts), so a resend is stored and seen once.
 */
export async function postMessage(
  deps: ChatDeps,
  viewer: User,
  room: Room,
  input: PostInput,
): Promise<Message> {
  return (await admitPost(deps, viewer, room, input)).store()
}

async function storeMessage(deps: ChatDeps, viewer: User, room: Room, { body, storedKey }: Admitted) {
  const stored = await insertMessage(deps.db, {
    roomId: room.id,
    authorId: viewer.id,
    author: viewer.username,
    body,
    clientId: storedKey,
  })
  if (stored.kind === 'no-room') throw new NotFound('That room')
  if (stored.kind === 'archived')
    throw new Forbidden('This room is archived: it can be read, not written to.')
  // The stored key names its author, so this cannot happen; it stays as the last line of that defence.
  if (stored.message.authorId !== viewer.id)
    throw new Invalid({ body: 'This form is out of date: reload the page.' })
  const at = { ...room, lastSeq: stored.message.seq }
  if (stored.created) deps.announce.messageCreated(at, stored.message)
  // A retry of a stored message: its first try may have committed without being announced (the database
  // connection died before it answered). Its frame and its activity go out again; every node and page drops
  // them by seq if it had them, so nobody sees it twice or counts it twice, and nobody misses it.
  else deps.announce.messageChanged(at, { kind: 'created', seq: stored.message.seq, message: stored.message })
  return stored.message
}
