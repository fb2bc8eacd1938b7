import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { WebSocketServer } from 'ws'
import { csrfToken, hashToken } from '../auth/tokens.ts'
import { sessionUser } from '../chat/accounts.ts'
import { DomainError } from '../chat/errors.ts'
import { readableRoom } from '../chat/rooms.ts'
import type { Config } from '../config.ts'
import { Client } from './client.ts'
import type { RealtimeDeps } from './deps.ts'

const PATH = /^\/rooms\/([a-z0-9-]{1,64})\/ws$/

const REASONS: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
}

function refuse(socket: Duplex, status: number): void {
  socket.end(`HTTP/1.1 ${status} ${REASONS[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim())
      } catch {
        return undefined // a malformed cookie is no session
      }
    }
  }
  return undefined
}

/** Cross-site WebSocket hijacking guard: the page must come from us (PUBLIC_URL, or this very host). */
export function originAllowed(config: Config, req: IncomingMessage): boolean {
  const origin = req.headers.origin
  if (!origin) return false
  if (config.publicOrigins.length > 0) return config.publicOrigins.includes(origin)
  const forwarded = config.trustProxy ? req.headers['x-forwarded-host'] : undefined
  const host = (Array.isArray(forwarded) ? forwarded[0] : forwarded) ?? req.headers.host
  try {
    return new URL(origin).host === host
  } catch {
    return false
  }
}

/** The client's address: with a trusted proxy, the entry it appended to X-Forwarded-For (the last one). */
export function clientIp(config: Config, req: IncomingMessage): string {
  const forwarded = config.trustProxy ? req.headers['x-forwarded-for'] : undefined
  const last = (Array.isArray(forwarded) ? forwarded.at(-1) : forwarded)?.split(',').at(-1)?.trim()
  return last || req.socket.remoteAddress || 'unknown'
}

export interface Gate {
  wss: WebSocketServer
  sessionCookie: string
  /** Takes one of the address's socket places, or says it has none left. */
  reserveIp(ip: string): boolean
  releaseIp(ip: string): void
}

function roomSlug(req: IncomingMessage): string | undefined {
  try {
    return PATH.exec(new URL(req.url ?? '/', 'http://x').pathname)?.[1]
  } catch {
    return undefined
  }
}

/** Checks path, Origin, address cap, session and room before the handshake completes; only then is a Client made. */
export async function upgrade(
  deps: RealtimeDeps,
  gate: Gate,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<Client | undefined> {
  const slug = roomSlug(req)
  if (!slug) return void refuse(socket, 404)
  if (!originAllowed(deps.config, req)) return void refuse(socket, 403)
  const ip = clientIp(deps.config, req)
  if (!gate.reserveIp(ip)) return void refuse(socket, 429)
  let accepted = false
  try {
    const token = cookie(req, gate.sessionCookie)
    const user = token ? await sessionUser(deps.db, token) : undefined
    if (!user || !token) return void refuse(socket, 401)
    // A private room's non-members get the same 404 as a room that does not exist.
    const { room } = await readableRoom(deps.db, user, slug)
    const who = {
      user,
      room,
      ip,
      csrf: csrfToken(deps.secret, token),
      sessionHash: hashToken(token),
      maxBuffered: deps.config.ws.maxBufferedBytes,
    }
    const client = await new Promise<Client>((resolve, reject) => {
      // A peer gone before the handshake: ws drops it without calling back, so the place must come back here.
      const gone = () => reject(new ClientGone())
      socket.once('close', gone)
      gate.wss.handleUpgrade(req, socket, head, (ws) => {
        // Left on, the listener would keep this request (headers and all) for the socket's whole life.
        socket.off('close', gone)
        resolve(new Client(ws, who))
      })
    })
    accepted = true
    return client
  } catch (err) {
    if (err instanceof ClientGone) return undefined
    if (err instanceof DomainError && err.kind === 'not-found') return void refuse(socket, 404)
    deps.log.error({ err }, 'upgrade failed')
    return void refuse(socket, 500)
  } finally {
    if (!accepted) gate.releaseIp(ip)
  }
}

class ClientGone extends Error {}
