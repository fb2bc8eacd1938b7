import type { WebSocket } from 'ws'
import { CLOSE } from './close-codes.ts'

/** Node fires a longer timeout at once (it overflows 32 bits): a far expiry is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Closes the socket as a sign-out does (4401) when the session that opened it ends. Sessions do not slide
 * (the end is fixed at sign-in), and from then on HTTP refuses that cookie: the socket lives no longer.
 */
export function closeAtExpiry(ws: WebSocket, expiresAt: Date): void {
  let timer: NodeJS.Timeout | undefined
  const arm = () => {
    const left = expiresAt.getTime() - Date.now()
    if (left <= 0) return ws.close(CLOSE.signedOut, 'session expired')
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS))
    timer.unref()
  }
  arm()
  ws.once('close', () => clearTimeout(timer))
}
