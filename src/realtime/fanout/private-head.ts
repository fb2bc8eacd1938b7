/**
 * A private room's room-changed frame (#room-head and <title>: its name and topic) names the room to whoever
 * is sent it, and the change that made it may also have taken some people out of it (made private and renamed
 * in one update). So it travels marked, and each node sends it only to the sockets whose person the database
 * still lets read the room, after asking; the others are closed (4403) instead.
 * The mark stands where a frame's seq would be: a node that does not know it drops the payload as malformed
 * (its pages keep the old head until reloaded) rather than show it to everyone.
 */
const MARK = 'p\n'

export function encodePrivateHead(html: string): string {
  return MARK + html
}

/** The frame's HTML if the payload is a private room's head, else undefined. */
export function decodePrivateHead(payload: string): string | undefined {
  return payload.startsWith(MARK) ? payload.slice(MARK.length) : undefined
}
