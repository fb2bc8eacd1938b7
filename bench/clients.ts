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

export type OnText = (text: string) => void

const BODY = /<p class="body">([\s\S]*?)<\/p>/g
const MESSAGES = '<hx-partial hx-target="#messages"'

function opened(ws: WebSocket, onText: (data: string) => void): Promise<WebSocket> {
  ws.on('message', (data) => onText(data.toString()))
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

export async function connectFloor(
  url: string,
  room: string,
  onText: OnText,
  from?: string,
): Promise<BenchSocket> {
  const ws = await opened(
    new WebSocket(`${url.replace(/^http/, 'ws')}/?room=${room}`, { localAddress: from }),
    onText,
  )
  return { send: (text) => ws.send(text), close: () => ws.terminate() }
}

export function connectSocketIo(
  url: string,
  room: string,
  onText: OnText,
  from?: string,
): Promise<BenchSocket> {
  const socket = io(url, {
    transports: ['websocket'],
    query: { room },
    forceNew: true,
    reconnection: false,
    localAddress: from,
  } as Parameters<typeof io>[1])
  socket.on('msg', (text: string) => onText(text))
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
  onText: OnText,
  from?: string,
): Promise<BenchSocket> {
  const url = `${base.replace(/^http/, 'ws')}/rooms/${slug}/ws`
  const headers = { cookie: user.cookieHeader, origin: base }
  const ws = await opened(new WebSocket(url, { headers, localAddress: from }), (frame) => {
    if (!frame.startsWith(MESSAGES)) return
    for (const m of frame.matchAll(BODY)) onText(m[1] as string)
  })
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
