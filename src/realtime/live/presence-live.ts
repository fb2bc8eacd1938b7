import type { Logger } from '../../log.ts'
import type { PresenceStore } from '../../presence/presence.ts'
import type { Client } from '../socket/client.ts'

const SETTLE_MS = 500
export const REFRESH_MS = 20_000

/**
 * "Who's here" for each room with local sockets: this node tells the presence store its people (debounced, so
 * a burst of joins is one write), reads everyone's, and when the list changed, publishes the room's new
 * list (one frame, for every node's pages of the room). Refreshed now and then, so a dead node's people go.
 */
export class PresenceLive {
  private readonly timers = new Map<number, NodeJS.Timeout>()
  private readonly shown = new Map<number, string>()

  constructor(
    private readonly store: PresenceStore,
    private readonly clientsOf: (roomId: number) => Iterable<Client>,
    private readonly publish: (roomId: number, names: string[]) => Promise<void>,
    private readonly log: Logger,
  ) {}

  /** A socket joined or left the room on this node. */
  changed(roomId: number): void {
    if (this.timers.has(roomId)) return
    const timer = setTimeout(() => {
      this.timers.delete(roomId)
      this.sync(roomId).catch((err) =>
        this.log.warn({ room: roomId, err: (err as Error).message }, 'presence sync failed'),
      )
    }, SETTLE_MS)
    timer.unref()
    this.timers.set(roomId, timer)
  }

  /** Re-states this node's people in every room it has sockets in (and forgets rooms it has none in). */
  refresh(roomIds: Iterable<number>): void {
    for (const roomId of roomIds) this.changed(roomId)
  }

  /** The list as last published, for a page that just connected. */
  async current(roomId: number): Promise<string[]> {
    return this.store.list(roomId)
  }

  private async sync(roomId: number): Promise<void> {
    const names = [...new Set([...this.clientsOf(roomId)].map((c) => c.user.username))]
    await this.store.put(roomId, names)
    const everyone = await this.store.list(roomId)
    const key = everyone.join('\n')
    if (this.shown.get(roomId) === key) return
    if (everyone.length > 0) this.shown.set(roomId, key)
    else this.shown.delete(roomId)
    await this.publish(roomId, everyone)
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t)
    this.timers.clear()
  }
}
