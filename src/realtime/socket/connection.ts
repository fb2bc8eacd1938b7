import type { RawData } from 'ws'
import { renderNoticeFrame } from '../../render/frames.ts'
import type { RealtimeDeps } from '../deps.ts'
import type { Client } from './client.ts'
import { parseFrame } from './frames-in.ts'
import { inboxOf, type Turn } from './inbox.ts'
import { hasResumed, resume } from './resume.ts'
import { startSend } from './send.ts'

/** A socket that never says where it is (no resume frame) goes live after this long. */
const RESUME_WAIT_MS = 2000
/** How long a new socket's frames wait for its room's bus subscription. */
const SUBSCRIBE_WAIT_MS = 2000

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
  const inbox = inboxOf(client)
  inbox.first(
    joined(ports, client).catch((err) => {
      deps.log.error({ err, room: client.room.id }, 'subscribe failed')
      ws.close(1011, 'try again')
    }),
  )
  const failed = (err: unknown) => {
    // Unexpected (the database went away during a catch-up, say): 1011 makes htmx reconnect and resume.
    deps.log.error({ err, user: client.user.id }, 'socket frame failed')
    ws.close(1011, 'try again')
  }
  ws.on('message', (data, isBinary) => {
    if (!inbox.take(begin(deps, client, data, isBinary, ports), failed)) ws.close(1008, 'too many frames')
  })
  ws.on('pong', () => {
    client.alive = true
  })
  // A client's protocol errors (oversize, bad UTF-8) are its problem, not the server's: debug, not warn.
  ws.on('error', (err) => deps.log.debug({ err: err.message, user: client.user.id }, 'socket error'))
  ws.on('close', () => ports.leave(client))
  // Through the queue: a resume already waiting there is handled first, so going live never overtakes it.
  setTimeout(() => {
    inbox.later(() => {
      if (client.held && !hasResumed(client)) client.goLive(0)
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
