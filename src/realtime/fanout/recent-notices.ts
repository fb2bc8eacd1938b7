import type { Control } from '../../bus/wire.ts'
import type { Client } from '../socket/client.ts'

/** Longer than an upgrade may take (it is refused after 10 s), from its access check to joining the hub. */
const WINDOW_MS = 15_000

/**
 * The notices of the last few seconds. A socket's upgrade checks its session and access against the database,
 * then the socket joins the hub: a notice handled in between never saw that socket. So a socket joining within
 * the window of an access notice about its room or its person is checked again, and one whose session, person
 * or room has ended since is closed as if it had been there.
 */
export class RecentNotices {
  private readonly rooms = new Map<number, number>()
  private readonly users = new Map<number, number>()
  /** Ended sessions (`s <hash>`), people (`u <id>`) and deleted rooms (`r <id>`). */
  private readonly ends = new Map<string, number>()

  note(notice: Control, now = Date.now()): void {
    if (notice.kind === 'room-access') touch(this.rooms, notice.id, now)
    else if (notice.kind === 'user-access') touch(this.users, notice.id, now)
    else if (notice.kind === 'session-ended') touch(this.ends, `s ${notice.hash}`, now)
    else if (notice.kind === 'user-ended') touch(this.ends, `u ${notice.id}`, now)
    else if (notice.kind === 'room-deleted') touch(this.ends, `r ${notice.id}`, now)
  }

  /**
   * Whether the joining socket's room was deleted, or its session or person ended, after its upgrade checked
   * them (a sign-in after a password reset is not closed by the reset's own notice).
   */
  ended(client: Client, now = Date.now()): 'room' | 'session' | undefined {
    const since = newsSince(client, now)
    if ((this.ends.get(`r ${client.room.id}`) ?? 0) > since) return 'room'
    const session = Math.max(
      this.ends.get(`s ${client.sessionHash}`) ?? 0,
      this.ends.get(`u ${client.user.id}`) ?? 0,
    )
    return session > since ? 'session' : undefined
  }

  concerns(client: Client, now = Date.now()): boolean {
    const since = newsSince(client, now)
    return (this.rooms.get(client.room.id) ?? 0) > since || (this.users.get(client.user.id) ?? 0) > since
  }
}

/** Notices after this are news to a joining socket: within the window, and not before its upgrade's check. */
const newsSince = (client: Client, now: number) => Math.max(now - WINDOW_MS, client.checkedAt - 1)

/** Marks `id` as seen now, keeping the map in time order and letting go of what fell out of the window. */
function touch<K>(seen: Map<K, number>, id: K, now: number): void {
  seen.delete(id)
  seen.set(id, now)
  for (const [old, at] of seen) {
    if (at > now - WINDOW_MS) break
    seen.delete(old)
  }
}
