import type { Duplex } from 'node:stream'

/** The raw socket of an upgrade under way: how it is refused, and the address's place it holds. */

const REASONS: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

/** Answers and closes; a peer that never closes its end is cut once the answer is out (as ws does). */
export function refuse(socket: Duplex, status: number): void {
  if (socket.destroyed || socket.writableEnded) return
  socket.once('finish', () => socket.destroy())
  socket.end(`HTTP/1.1 ${status} ${REASONS[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
}

/** An upgrade still being checked after this long is refused (503): its place must not wait on a stuck check. */
export const HANDSHAKE_MS = 10_000

export interface Place {
  /** Gives the place back (once; nothing after handOver). */
  giveBack(): void
  /** The accepted socket's place now belongs to the hub, which gives it back when the socket closes. */
  handOver(): void
}

/**
 * Holds an address's socket place while its upgrade is checked, and gives it back exactly once whatever
 * ends the handshake: a refusal, an error, the peer resetting or closing while the database answers (the
 * socket's close), or the handshake taking too long.
 */
export function holdPlace(release: () => void, socket: Duplex): Place {
  let held = true
  const settle = () => {
    held = false
    clearTimeout(timer)
    socket.off('close', giveBack)
  }
  const giveBack = () => {
    if (!held) return
    settle()
    release()
  }
  const timer = setTimeout(() => {
    refuse(socket, 503)
    giveBack()
  }, HANDSHAKE_MS)
  timer.unref()
  socket.once('close', giveBack)
  return { giveBack, handOver: settle }
}
