import type { WebSocket } from 'ws'
import type { Clock } from '../../clock.ts'
import { CLOSE } from './close-codes.ts'

/**
 * Closes the socket as a sign-out does (4401) when the session that opened it ends, by the app's clock (as HTTP
 * judges the cookie). Sessions do not slide (the end is fixed at sign-in), and from then on HTTP refuses that
 * cookie: the socket lives no longer. When the timer fires the end is checked again, so that a timer that runs
 * a little early never closes the socket before the session ends.
 */
export function closeAtExpiry(ws: WebSocket, expiresAt: Date, clock: Clock): void {
  let cancel: (() => void) | undefined
  const arm = () => {
    const left = expiresAt.getTime() - clock.now()
    if (left <= 0) return ws.close(CLOSE.signedOut, 'session expired')
    cancel = clock.after(left, arm)
  }
  arm()
  ws.once('close', () => cancel?.())
}
