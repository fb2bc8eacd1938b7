import type { Activity } from '../../bus/wire.ts'
import type { Client } from '../socket/client.ts'
import { inTurns } from '../socket/in-turns.ts'
import { type SideEntry, sideOf } from './side-state.ts'

/** What one room has seen on this node: messages, and per author and per mentioned name. */
interface RoomCounter {
  count: number
  byAuthor: Map<number, number>
  mentions: Map<string, number>
  /** The seqs counted lately: a message announced again (a retry found it stored) is counted once. */
  seqs: Set<number>
}

/** Past this many remembered seqs per room, the oldest half is forgotten. */
const SEQS_KEPT = 4096

/**
 * Live unread badges without a query per message: every node counts the messages of every room (from the
 * activity topic), and once a second folds what changed into each socket's sidebar, which started exact
 * (from the database, when the socket opened). One small frame per socket per second at most.
 */
export class UnreadLive {
  private readonly counters = new Map<number, RoomCounter>()
  private readonly changed = new Set<number>()

  /** A message in any room (a seq already counted is not counted again; one without a seq always is). */
  onActivity({ roomId, authorId, mentioned, seq }: Activity): void {
    const c = this.counter(roomId)
    if (seq !== undefined && !this.firstTime(c, seq)) return
    c.count++
    c.byAuthor.set(authorId, (c.byAuthor.get(authorId) ?? 0) + 1)
    for (const name of mentioned) c.mentions.set(name, (c.mentions.get(name) ?? 0) + 1)
    this.changed.add(roomId)
  }

  /** These rooms' entries are folded on the next tick (they were out of the live sidebar for a while). */
  touch(roomIds: number[]): void {
    for (const id of roomIds) this.changed.add(id)
  }

  /** A sidebar entry that starts from exact counts, against the counters as they are now. */
  entry(roomId: number, user: { id: number; username: string }, unread: number, mentions: number): SideEntry {
    const c = this.counter(roomId)
    const mentioned = c.mentions.get(user.username.toLowerCase()) ?? 0
    return { unread, mentions, seen: c.count, own: c.byAuthor.get(user.id) ?? 0, mentioned }
  }

  /**
   * Folds the rooms that changed into each socket's sidebar; `send` gets the rooms whose badge moved. A
   * hundred sockets per turn of the event loop (inTurns), so messages are not held up behind the badges.
   */
  tick(clients: Iterable<Client>, send: (client: Client, roomIds: number[]) => void): void {
    if (this.changed.size === 0) return
    const rooms = [...this.changed]
    this.changed.clear()
    inTurns([...clients], (client) => {
      if (!sideOf(client)) return
      const moved = rooms.filter((roomId) => roomId !== client.room.id && this.fold(client, roomId))
      if (moved.length > 0) send(client, moved)
    })
  }

  private fold(client: Client, roomId: number): boolean {
    const entry = sideOf(client)?.get(roomId)
    const c = this.counters.get(roomId)
    if (!entry || !c) return false
    const own = c.byAuthor.get(client.user.id) ?? 0
    const mentioned = c.mentions.get(client.user.username.toLowerCase()) ?? 0
    const more = c.count - entry.seen - (own - entry.own)
    const moreMentions = mentioned - entry.mentioned
    Object.assign(entry, { seen: c.count, own, mentioned })
    entry.unread += more
    entry.mentions += moreMentions
    return more > 0 || moreMentions > 0
  }

  /** Whether this seq is new to the room's counter (and remembers it). */
  private firstTime(c: RoomCounter, seq: number): boolean {
    if (c.seqs.has(seq)) return false
    c.seqs.add(seq)
    if (c.seqs.size > SEQS_KEPT) {
      const sorted = [...c.seqs].sort((x, y) => x - y)
      for (const old of sorted.slice(0, SEQS_KEPT / 2)) c.seqs.delete(old)
    }
    return true
  }

  private counter(roomId: number): RoomCounter {
    let c = this.counters.get(roomId)
    if (!c) {
      c = { count: 0, byAuthor: new Map(), mentions: new Map(), seqs: new Set() }
      this.counters.set(roomId, c)
    }
    return c
  }
}
