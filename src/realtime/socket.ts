import type { RawData } from 'ws'
import { newClientId, safeEqual } from '../auth/tokens.ts'
import { composerError, isStoreUnavailable } from '../chat/errors.ts'
import { catchUp, postMessage } from '../chat/messages.ts'
import { isClientId } from '../chat/validate.ts'
import {
  renderComposerFrame,
  renderNoticeFrame,
  renderReloadFrame,
  renderReplayFrame,
} from '../render/frames.ts'
import { pageView } from '../render/view-models.ts'
import type { Client } from './client.ts'
import type { RealtimeDeps } from './deps.ts'
import type { Everyday } from './everyday.ts'
import { parseFrame } from './frames-in.ts'
import type { Hub } from './hub.ts'

/** A socket that never says where it is (no resume frame) goes live after this long. */
const RESUME_WAIT_MS = 2000
/** How long a new socket's frames wait for its room's bus subscription. */
const SUBSCRIBE_WAIT_MS = 2000
/** Frames one socket may have waiting to be handled. */
const MAX_PENDING_FRAMES = 50

/** Wires one accepted socket: frames in (one at a time, in order), catch-up, and clean-up on close. */
export function attachSocket(deps: RealtimeDeps, hub: Hub, client: Client, extras: Everyday): void {
  const { ws } = client
  // Frames wait for the room's subscription: a catch-up read before it could miss a message published between.
  // Not forever: while Redis is down the subscription waits for it, and the page must still catch up and send
  // (the room resyncs from the database once Redis is back).
  let timer: NodeJS.Timeout | undefined
  const patience = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, SUBSCRIBE_WAIT_MS)
  })
  client.queue = Promise.race([hub.join(client), patience])
    .catch((err) => {
      deps.log.error({ err, room: client.room.id }, 'subscribe failed')
      ws.close(1011, 'try again')
    })
    .finally(() => clearTimeout(timer))
  ws.on('message', (data, isBinary) => {
    // A client may not pile up work faster than it is done: that is a flood, not a person typing.
    if (++client.pending > MAX_PENDING_FRAMES) return ws.close(1008, 'too many frames')
    client.queue = client.queue
      .then(() => onFrame(deps, client, data, isBinary, extras))
      .catch((err) => {
        // Unexpected (the database went away during a catch-up, say): 1011 makes htmx reconnect and resume.
        deps.log.error({ err, user: client.user.id }, 'socket frame failed')
        ws.close(1011, 'try again')
      })
      .finally(() => {
        client.pending--
      })
  })
  ws.on('pong', () => {
    client.alive = true
  })
  // A client's protocol errors (oversize, bad UTF-8) are its problem, not the server's: debug, not warn.
  ws.on('error', (err) => deps.log.debug({ err: err.message, user: client.user.id }, 'socket error'))
  ws.on('close', () => hub.leave(client))
  // Through the queue: a resume already waiting there is handled first, so going live never overtakes it.
  setTimeout(() => {
    client.queue = client.queue.then(() => {
      if (client.held && !client.resumed) client.goLive(0)
    })
  }, RESUME_WAIT_MS).unref()
}

async function onFrame(
  deps: RealtimeDeps,
  client: Client,
  data: RawData,
  isBinary: boolean,
  extras: Everyday,
): Promise<void> {
  if (isBinary) return client.ws.close(1003, 'binary frames are not accepted')
  const frame = parseFrame(data.toString())
  if (frame.type === 'invalid')
    return client.send(renderNoticeFrame(`That frame was refused: ${frame.reason}.`))
  if (frame.type === 'resume') {
    if (await resume(deps, client, frame.lastSeq)) await extras.resumed(client)
    return
  }
  if (frame.type === 'read') return extras.read(client, frame.seq)
  if (frame.type === 'typing') return void extras.typing(client, true)
  if (await send(deps, client, frame)) await extras.typing(client, false)
}

async function resume(deps: RealtimeDeps, client: Client, lastSeq: number): Promise<boolean> {
  // One per socket (htmx opens a new socket for every reconnect): more would be free database reads.
  if (client.resumed) {
    client.send(renderNoticeFrame('That frame was refused: this socket has resumed already.'))
    return false
  }
  client.resumed = true
  if (!client.held) client.held = []
  const missed = await catchUp(deps.db, client.room, lastSeq)
  if (missed.kind === 'reload')
    client.send(renderReloadFrame(pageView(missed.room, missed.page), missed.lastSeq))
  else if (missed.lastSeq > lastSeq) client.send(renderReplayFrame(missed.events, missed.lastSeq))
  client.goLive(missed.lastSeq)
  return true
}

async function send(
  deps: RealtimeDeps,
  client: Client,
  frame: { body: unknown; clientId: unknown; csrf: string },
): Promise<boolean> {
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
  if (!safeEqual(frame.csrf, client.csrf)) {
    client.send(composer('This page has expired: reload it to send messages.'))
    return false
  }
  try {
    await postMessage(deps, client.user, client.room, { body: frame.body, clientId: frame.clientId })
    // Only the composer comes back here; the message itself arrives through the room like everyone's.
    client.send(composer(undefined, newClientId(), ''))
    return true
  } catch (err) {
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
}
