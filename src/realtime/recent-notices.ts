import type { Client } from './client.ts'
import type { Control } from './control.ts'

/** Longer than an upgrade may take (it is refused after 10 s), from its access check to joining the hub. */
const WINDOW_MS = 15_000

/**
 * The access notices (room-access, user-access) of the last few seconds. A socket's upgrade checks access
 * against the database, then the socket joins the hub: a notice handled in between never saw that socket.
 * So a socket joining within the window of a notice about its room or its person is checked again.
 */
export class RecentNotices {
  private readonly rooms = new Map<number, number>()
  private readonly users = new Map<number, number>()

  note(notice: Control, now = Date.now()): void {
    if (notice.kind === 'room-access') touch(this.rooms, notice.id, now)
    else if (notice.kind === 'user-access') touch(this.users, notice.id, now)
  }

  concerns(client: Client, now = Date.now()): boolean {
    const since = now - WINDOW_MS
    return (this.rooms.get(client.room.id) ?? 0) > since || (this.users.get(client.user.id) ?? 0) > since
  }
}

/** Marks `id` as seen now, keeping the map in time order and letting go of what fell out of the window. */
function touch(seen: Map<number, number>, id: number, now: number): void {
  seen.delete(id)
  seen.set(id, now)
  for (const [old, at] of seen) {
    if (at > now - WINDOW_MS) break
    seen.delete(old)
  }
}
