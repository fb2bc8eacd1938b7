import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { WebSocket, WebSocketServer } from 'ws'
import { csrfToken, hashToken } from '../../auth/tokens.ts'
import { DomainError } from '../../chat/errors.ts'
import { liveSession } from '../../chat/live-session.ts'
import { readableRoom } from '../../chat/rooms.ts'
import type { Config } from '../../config.ts'
import { clientAddress, requestOrigin } from '../../forwarded.ts'
import type { RealtimeDeps } from '../deps.ts'
import { Client } from './client.ts'
import { closeAtExpiry } from './session-expiry.ts'
import { holdPlace, refuse } from './upgrade-socket.ts'

const PATH = /^\/rooms\/([a-z0-9-]{1,64})\/ws$/

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

/**
 * Cross-site WebSocket hijacking guard: the page must come from us (PUBLIC_URL, or this very origin).
 * Scheme, host and port all count: an https page may not open an http server's socket, nor the reverse.
 */
export function originAllowed(config: Config, req: IncomingMessage): boolean {
  const origin = req.headers.origin
  if (!origin) return false
  if (config.publicOrigins.length > 0) return config.publicOrigins.includes(origin)
  const ours = requestOrigin(config.trustProxy, req)
  try {
    return ours !== undefined && new URL(origin).origin === ours
  } catch {
    return false
  }
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

interface Attempt {
  req: IncomingMessage
  socket: Duplex
  head: Buffer
  slug: string
  ip: string
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
  const ip = clientAddress(deps.config.trustProxy, req)
  if (!gate.reserveIp(ip)) return void refuse(socket, 429)
  // From here the place is given back however the handshake ends, unless the hub takes it with the socket.
  const place = holdPlace(() => gate.releaseIp(ip), socket)
  try {
    const client = await admit(deps, gate, { req, socket, head, slug, ip })
    if (client) place.handOver()
    return client
  } catch (err) {
    if (err instanceof DomainError && err.kind === 'not-found') return void refuse(socket, 404)
    deps.log.error({ err }, 'upgrade failed')
    return void refuse(socket, 500)
  } finally {
    place.giveBack()
  }
}

async function admit(deps: RealtimeDeps, gate: Gate, at: Attempt): Promise<Client | undefined> {
  const token = cookie(at.req, gate.sessionCookie)
  const checkedAt = Date.now()
  const session = token ? await liveSession(deps.db, token, deps.clock) : undefined
  if (!session || !token) return void refuse(at.socket, 401)
  // A private room's non-members get the same 404 as a room that does not exist.
  const { room } = await readableRoom(deps.db, session.user, at.slug)
  // Gone (reset, closed, or timed out) while the database answered: nothing to accept.
  if (at.socket.destroyed || !at.socket.writable) return undefined
  const ws = await accept(gate, at)
  if (!ws) return undefined
  closeAtExpiry(ws, session.expiresAt, deps.clock)
  return new Client(ws, {
    user: session.user,
    room,
    ip: at.ip,
    csrf: csrfToken(deps.secret, token),
    sessionHash: hashToken(token),
    maxBuffered: deps.config.ws.maxBufferedBytes,
    checkedAt,
  })
}

/** Completes the handshake; undefined if the peer goes first (ws then drops it without calling back). */
function accept(gate: Gate, at: Attempt): Promise<WebSocket | undefined> {
  return new Promise((resolve) => {
    const gone = () => resolve(undefined)
    at.socket.once('close', gone)
    gate.wss.handleUpgrade(at.req, at.socket, at.head, (ws) => {
      // Left on, the listener would keep this request (headers and all) for the socket's whole life.
      at.socket.off('close', gone)
      resolve(ws)
    })
  })
}
