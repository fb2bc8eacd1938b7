import { WebSocket } from 'ws'
import type { Logger } from '../../log.ts'
import type { Client } from '../socket/client.ts'
import { type SideEntry, sideOf } from './side-state.ts'

/** Which of these people may read the room now (chat/rooms readersAmong, by the one rule in store/room-access.ts). */
export type Readers = (roomId: number, userIds: number[]) => Promise<Set<number>>

export interface SideAccessOut {
  /** The person may no longer read the room: their page drops its entry. */
  drop(client: Client, roomId: number): void
  /** Entries put back after a check (`byClient`: which, per page): their counts catch up on the next fold. */
  restored(roomIds: number[], byClient: Map<Client, number[]>): void
}

const RETRY_MS = 5_000

/**
 * Keeps sidebar entries to the rooms their page's person may read. When access may have changed (a member
 * removed, a room made private or renamed or deleted, an admin demoted), the entries concerned are taken out
 * of the live sidebar at once (so no count, name or address of theirs is sent meanwhile), then put back or
 * dropped as the database says. A notice that comes in while a check runs makes the check start over: its
 * answer may predate that change. If the database cannot say, the entries stay out (and are tried again).
 */
export class SideAccess {
  /** Bumped by every access change: a sidebar read from the database meanwhile may be out of date. */
  version = 0
  private readonly held = new Map<Client, Map<number, SideEntry>>()
  private running = false

  constructor(
    private readonly readers: Readers,
    private readonly out: SideAccessOut,
    private readonly log: Logger,
  ) {}

  /**
   * Access may have changed for these pages: their entries for these rooms (all of them if no rooms are given)
   * leave the live sidebar now, and come back only if the database says so.
   */
  recheck(clients: Iterable<Client>, roomIds?: number[]): void {
    this.forgetClosed()
    for (const client of clients) this.hold(client, roomIds)
    this.version++
    if (!this.running) this.check()
  }

  private hold(client: Client, roomIds: number[] | undefined): void {
    const side = sideOf(client)
    if (!side || closed(client)) return
    const mine = this.held.get(client) ?? new Map<number, SideEntry>()
    for (const id of roomIds ?? [...side.keys()]) {
      const entry = side.get(id)
      if (!entry) continue
      side.delete(id)
      mine.set(id, entry)
    }
    if (mine.size > 0) this.held.set(client, mine)
  }

  private check(): void {
    this.running = true
    this.checkHeld().then(
      () => {
        this.running = false
        if (this.held.size > 0) this.check()
      },
      (err) => {
        this.running = false
        this.log.error({ err: (err as Error).message }, 'sidebar access check failed; entries held')
        setTimeout(() => this.recheck([]), RETRY_MS).unref()
      },
    )
  }

  private async checkHeld(): Promise<void> {
    while (this.held.size > 0) {
      this.forgetClosed()
      if (this.held.size === 0) return
      const version = this.version
      const allowed = await this.readersByRoom()
      if (version !== this.version) continue // a change came in meanwhile: ask again
      this.settle(allowed)
    }
  }

  /** For each room held, who among its holders may read it: one query per room. */
  private async readersByRoom(): Promise<Map<number, Set<number>>> {
    const byRoom = new Map<number, Set<number>>()
    for (const [client, entries] of this.held)
      for (const id of entries.keys()) byRoom.set(id, (byRoom.get(id) ?? new Set()).add(client.user.id))
    const answers = await Promise.all(
      [...byRoom].map(async ([id, users]) => [id, await this.readers(id, [...users])] as const),
    )
    return new Map(answers)
  }

  /**
   * Pages closed meanwhile need no answer: their entries (and the Client objects) are let go at once, not kept
   * for as long as the database cannot say.
   */
  private forgetClosed(): void {
    for (const client of this.held.keys()) if (closed(client)) this.held.delete(client)
  }

  private settle(allowed: Map<number, Set<number>>): void {
    const restored = new Set<number>()
    const byClient = new Map<Client, number[]>()
    for (const [client, entries] of this.held) {
      if (closed(client)) continue
      for (const [id, entry] of entries) {
        if (allowed.get(id)?.has(client.user.id)) {
          sideOf(client)?.set(id, entry)
          restored.add(id)
          byClient.set(client, [...(byClient.get(client) ?? []), id])
        } else this.out.drop(client, id)
      }
    }
    this.held.clear()
    if (restored.size > 0) this.out.restored([...restored], byClient)
  }
}

const closed = (client: Client) => client.ws.readyState >= WebSocket.CLOSING
