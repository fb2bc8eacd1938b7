import type { Logger } from '../../log.ts'
import type { Client } from '../socket/client.ts'
import { CLOSE } from '../socket/close-codes.ts'

/** Which of these people may still read the room (from the database). */
export type Readers = (roomId: number, userIds: number[]) => Promise<Set<number>>

/** The database could not say: the page reconnects, and the upgrade checks access again. */
const CHECK_FAILED = 1011

/**
 * Checks a room's sockets against the database after access may have changed (a member removed, the room
 * made private or renamed, an admin demoted). Until the answer, those sockets are sent nothing of the room:
 * its live frames are held (as during a catch-up), so no message, name or topic reaches someone who has just
 * lost the room. Then the people who may stay get what was held, and a private room's new `head`
 * (RoomPayload in bus/wire-types.ts); the others are closed, their held frames never sent. If the database
 * cannot say, the sockets are closed in a way the page reconnects from, rather than left open unchecked.
 * A socket still catching up is not held here (its catch-up lets it go live); the check closes it just the same.
 * Settles once the sockets are dealt with; never rejects.
 */
export function recheckAccess(
  readers: Readers,
  log: Logger,
  roomId: number,
  clients: Client[],
  head?: Buffer,
): Promise<void> {
  if (clients.length === 0) return Promise.resolve()
  const gated = new Set(clients.filter((c) => c.held === null))
  for (const c of gated) c.held = []
  return readers(roomId, [...new Set(clients.map((c) => c.user.id))])
    .then((allowed) => {
      for (const c of clients) {
        if (!allowed.has(c.user.id)) {
          c.ws.close(CLOSE.noAccess, 'no access')
          continue
        }
        if (gated.has(c)) c.goLive(c.lastSeq)
        if (head) c.deliver({ seq: 0, data: head })
      }
    })
    .catch((err) => {
      log.error({ room: roomId, err: (err as Error).message }, 'access recheck failed; sockets closed')
      for (const c of clients) c.ws.close(CHECK_FAILED, 'access check failed')
    })
}
