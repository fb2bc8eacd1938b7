/**
 * One bench socket per target kind: connect to a room, send text, hand every received message text back.
 * `from` is the local address to connect from (127.0.0.x): spreading thousands of sockets over several
 * source addresses keeps them clear of one address's ephemeral ports (bind-before-connect holds a port,
 * TIME_WAIT included, per address).
 */
import { randomUUID } from 'node:crypto'
import { io } from 'socket.io-client'
import WebSocket from 'ws'
import type { HttpUser } from '../tests/support/http.ts'

export type Kind = 'floor' | 'socketio' | 'parley'

export interface BenchSocket {
  send(text: string): void
  close(): void
}

export interface Handlers {
  /** Each bench message's text, as it arrives. */
  text: (text: string) => void
  /** The socket closed (by the server, or by the bench at the end), with the close code or reason. */
  gone: (why: string) => void
}

const BODY = /<p class="body">([\s\S]*?)<\/p>/g
// Parley's room frames start with `<!--seq N-->`; new messages are appended to #messages.
const MESSAGES = '<hx-partial hx-target="#messages" hx-swap="beforeend">'

function opened(ws: WebSocket, onFrame: (data: string) => void, gone: Handlers['gone']): Promise<WebSocket> {
  ws.on('message', (data) => onFrame(data.toString()))
  ws.on('close', (code) => gone(`close ${code}`))
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

export async function connectFloor(
  url: string,
  room: string,
  on: Handlers,
  from?: string,
): Promise<BenchSocket> {
  const ws = await opened(
    new WebSocket(`${url.replace(/^http/, 'ws')}/?room=${room}`, { localAddress: from }),
    on.text,
    on.gone,
  )
  return { send: (text) => ws.send(text), close: () => ws.terminate() }
}

export function connectSocketIo(
  url: string,
  room: string,
  on: Handlers,
  from?: string,
): Promise<BenchSocket> {
  const socket = io(url, {
    transports: ['websocket'],
    query: { room },
    forceNew: true,
    reconnection: false,
    localAddress: from,
  } as Parameters<typeof io>[1])
  socket.on('msg', (text: string) => on.text(text))
  socket.on('disconnect', (reason) => on.gone(reason))
  return new Promise((resolve, reject) => {
    socket.once('connect', () =>
      resolve({ send: (text) => socket.emit('msg', text), close: () => socket.disconnect() }),
    )
    socket.once('connect_error', reject)
  })
}

/**
 * Parley: what htmx sends (resume on open, the composer form as JSON); bodies come out of the HTML frames.
 * `base` is the node to connect to: any node of a cluster honours the session and CSRF token of another.
 */
export async function connectParley(
  base: string,
  user: HttpUser,
  slug: string,
  on: Handlers,
  from?: string,
): Promise<BenchSocket> {
  const url = `${base.replace(/^http/, 'ws')}/rooms/${slug}/ws`
  const headers = { cookie: user.cookieHeader, origin: base }
  const onFrame = (frame: string) => {
    if (!frame.includes(MESSAGES)) return
    for (const m of frame.matchAll(BODY)) on.text(m[1] as string)
  }
  const ws = await opened(new WebSocket(url, { headers, localAddress: from }), onFrame, on.gone)
  ws.send(JSON.stringify({ type: 'resume', last_seq: 0 }))
  const page = `${base}/rooms/${slug}`
  return {
    send: (body) =>
      ws.send(
        JSON.stringify({
          body,
          client_id: randomUUID(),
          _csrf: user.csrf,
          headers: {
            'HX-Request': 'true',
            'HX-Source': 'form#composer',
            'HX-Current-URL': page,
            'HX-Target': 'form#composer',
          },
        }),
      ),
    close: () => ws.terminate(),
  }
}
