import type { RawData } from 'ws'
import { catchUp } from '../../chat/catch-up.ts'
import { reloadPieces, replayPieces } from '../../render/catch-up-frames.ts'
import { renderNoticeFrame } from '../../render/frames.ts'
import { pageView } from '../../render/view-models.ts'
import type { RealtimeDeps } from '../deps.ts'
import type { Client } from './client.ts'
import { parseFrame } from './frames-in.ts'
import { replayTo } from './replay.ts'
import { startSend } from './send.ts'

/** A socket that never says where it is (no resume frame) goes live after this long. */
const RESUME_WAIT_MS = 2000
/** How long a new socket's frames wait for its room's bus subscription. */
const SUBSCRIBE_WAIT_MS = 2000
/** Frames one socket may have received and not yet taken in (read, checked, queued for storing). */
const MAX_PENDING_FRAMES = 150

/**
 * What a connection reports to, declared here so that socket/ never reaches up: the room's fan-out (join,
 * leave) and the live features (a resumed page, a read mark, typing).
 */
export interface ConnectionPorts {
  join(client: Client): Promise<void>
  leave(client: Client): void
  resumed(client: Client): Promise<void>
  read(client: Client, seq: number): Promise<void>
  typing(client: Client, on: boolean): Promise<unknown> | undefined
}

/** Wires one accepted socket: frames in (in order; a message's store runs on), catch-up, and clean-up on close. */
export function attachSocket(deps: RealtimeDeps, ports: ConnectionPorts, client: Client): void {
  const { ws } = client
  client.queue = joined(ports, client).catch((err) => {
    deps.log.error({ err, room: client.room.id }, 'subscribe failed')
    ws.close(1011, 'try again')
  })
  const failed = (err: unknown) => {
    // Unexpected (the database went away during a catch-up, say): 1011 makes htmx reconnect and resume.
    deps.log.error({ err, user: client.user.id }, 'socket frame failed')
    ws.close(1011, 'try again')
  }
  ws.on('message', (data, isBinary) => {
    if (client.stopping) return
    // A client may not send frames faster than they are read and taken in: that is a flood, not a person
    // typing. Only what the client controls counts: a message taken in and waiting on a slow database is the
    // server's backlog, never the client's (its sends are bounded by the rate limit).
    if (++client.pending > MAX_PENDING_FRAMES) return ws.close(1008, 'too many frames')
    const done = () => {
      client.pending--
    }
    // The next frame waits for this one's turn only; the rest of it (a message being stored) runs on.
    client.queue = client.queue.then(begin(deps, client, data, isBinary, ports)).then(
      (later) => {
        done()
        void (later?.rest ?? Promise.resolve()).catch(failed)
      },
      (err) => {
        failed(err)
        done()
      },
    )
  })
  ws.on('pong', () => {
    client.alive = true
  })
  // A client's protocol errors (oversize, bad UTF-8) are its problem, not the server's: debug, not warn.
  ws.on('error', (err) => deps.log.debug({ err: err.message, user: client.user.id }, 'socket error'))
  ws.on('close', () => ports.leave(client))
  // Through the queue: a resume already waiting there is handled first, so going live never overtakes it.
  setTimeout(() => {
    client.queue = client.queue.then(() => {
      if (client.held && !client.resumed) client.goLive(0)
    })
  }, RESUME_WAIT_MS).unref()
}

/**
 * Frames wait for the room's subscription: a catch-up read before it could miss a message published between.
 * Not forever: while Redis is down the subscription waits for it, and the page must still catch up and send
 * (the room resyncs from the database once Redis is back). A function of its own, so that the socket's
 * long-lived handlers do not keep its timer.
 */
function joined(ports: ConnectionPorts, client: Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const patience = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, SUBSCRIBE_WAIT_MS)
  })
  return Promise.race([ports.join(client), patience]).finally(() => clearTimeout(timer))
}

type Turn = () => Promise<{ rest: Promise<void> } | undefined>

/**
 * Starts a frame on arrival and hands back its turn, which runs after the turns of the frames before it.
 * A message's turn ends once it is queued for storing (see startSend) and hands back the rest, still running.
 */
function begin(
  deps: RealtimeDeps,
  client: Client,
  data: RawData,
  isBinary: boolean,
  extras: ConnectionPorts,
): Turn {
  if (isBinary)
    return async () => {
      client.ws.close(1003, 'binary frames are not accepted')
      return undefined
    }
  const frame = parseFrame(data.toString())
  if (frame.type === 'send') {
    const turn = startSend(deps, client, frame)
    return async () => {
      const { admitted, stored } = await turn()
      // The person has sent: no longer typing (now, so it never overtakes their next typing signal).
      if (admitted) void extras.typing(client, false)
      return { rest: stored.then(() => undefined) }
    }
  }
  return async () => {
    if (frame.type === 'invalid') client.send(renderNoticeFrame(`That frame was refused: ${frame.reason}.`))
    else if (frame.type === 'resume') {
      if (await resume(deps, client, frame.lastSeq)) await extras.resumed(client)
    } else if (frame.type === 'read') await extras.read(client, frame.seq)
    else extras.typing(client, true)
    return undefined
  }
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
  const size = client.pieceBytes
  const pieces =
    missed.kind === 'reload'
      ? reloadPieces(pageView(missed.room, missed.page), missed.lastSeq, size)
      : missed.lastSeq > lastSeq
        ? replayPieces(missed.events, missed.lastSeq, size)
        : []
  await replayTo(client, pieces, missed.lastSeq)
  return true
}
