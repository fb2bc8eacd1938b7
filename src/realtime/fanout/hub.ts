import { type Bus, roomTopic } from '../../bus/bus.ts'
import { type Control, decodeRoom, dropWarner, type Frame, type TypingSignal } from '../../bus/wire.ts'
import type { Logger } from '../../log.ts'
import type { DeliveryStats } from '../../metrics/metrics.ts'
import type { Client } from '../socket/client.ts'
import { CLOSE } from '../socket/close-codes.ts'
import { IpCap } from '../socket/ip-cap.ts'
import { type Readers, recheckAccess } from './access-recheck.ts'
import { RecentNotices } from './recent-notices.ts'
import { type LoadFrames, RoomChannel } from './room-channel.ts'

export type { Readers }

/** What else follows the room's sockets: presence (joins and leaves) and typing signals from the topic. */
export interface HubHooks {
  joined?(client: Client): void
  left?(client: Client): void
  typing?(roomId: number, signal: TypingSignal): void
  /** Every control notice, from this node or another (sidebar entries follow access changes). */
  control?(notice: Control): void
}

/**
 * This node's sockets by room. A room's bus topic is subscribed while at least one local socket is in it,
 * and each frame from the bus is handed to that room's channel once.
 */
export class Hub {
  private readonly rooms = new Map<number, RoomChannel>()
  readonly clients = new Set<Client>()
  /** Sockets per client address, capped (SOCKETS_PER_IP). */
  readonly ips = new IpCap()
  private readonly recent = new RecentNotices()
  private readonly drops: ReturnType<typeof dropWarner>

  constructor(
    private readonly bus: Bus,
    private readonly prefix: string,
    private readonly load: LoadFrames,
    private readonly log: Logger,
    private readonly readers: Readers,
    private readonly stats?: DeliveryStats,
    readonly hooks: HubHooks = {},
  ) {
    this.drops = dropWarner(log)
  }

  /** Adds the socket at once (so a close can always remove it); resolves once the room's topic is subscribed. */
  join(client: Client): Promise<void> {
    this.clients.add(client)
    const ended = this.recent.ended(client)
    if (ended) client.ws.close(ended === 'room' ? CLOSE.roomGone : CLOSE.signedOut, `${ended} ended`)
    const roomId = client.room.id
    let channel = this.rooms.get(roomId)
    if (!channel) {
      const busDown = () => !this.bus.healthy()
      const ch = new RoomChannel(roomId, client.room.lastSeq, this.load, this.log, this.stats, true, busDown)
      const dropped = this.drops.at({ room: roomId })
      ch.ready = this.bus.subscribe(roomTopic(this.prefix, roomId), (payload) => {
        const p = decodeRoom(payload, dropped)
        if (p?.kind === 'frame') ch.receive(p.frame)
        else if (p?.kind === 'typing') this.hooks.typing?.(roomId, p.signal)
        else if (p?.kind === 'head') this.recheck(roomId, [...ch.clients], Buffer.from(p.html))
      })
      this.rooms.set(roomId, ch)
      channel = ch
    }
    channel.clients.add(client)
    this.hooks.joined?.(client)
    // Its upgrade may have read access before a notice this node has since acted on: checked again, and its
    // frames (its catch-up first) wait for the answer.
    if (!this.recent.concerns(client)) return channel.ready
    return Promise.all([channel.ready, this.recheck(roomId, [client])]).then(() => undefined)
  }

  leave(client: Client): void {
    if (!this.clients.delete(client)) return
    this.ips.release(client.ip)
    const roomId = client.room.id
    const channel = this.rooms.get(roomId)
    if (!channel) return
    channel.clients.delete(client)
    this.hooks.left?.(client)
    if (channel.clients.size > 0) return
    channel.close()
    this.rooms.delete(roomId)
    this.bus.unsubscribe(roomTopic(this.prefix, roomId)).catch((err) => {
      this.log.warn({ room: roomId, err: (err as Error).message }, 'unsubscribe failed')
    })
  }

  /** This node's sockets in a room. */
  clientsOf(roomId: number): Iterable<Client> {
    return this.rooms.get(roomId)?.clients ?? []
  }

  /** The rooms this node has sockets in. */
  roomIds(): Iterable<number> {
    return this.rooms.keys()
  }

  /** Hands a frame of this node's own making straight to the room's local sockets, not waiting for the bus. */
  deliverLocal(roomId: number, frame: Frame): void {
    this.rooms.get(roomId)?.receive(frame)
  }

  /** Every room with local sockets catches up from the database (after a bus outage, and periodically). */
  resyncAll(): void {
    for (const channel of this.rooms.values()) {
      channel
        .resync()
        .catch((err) => this.log.warn({ room: channel.roomId, err: (err as Error).message }, 'resync failed'))
    }
  }

  /** Acts on a control notice, from this node or another: closes the sockets it is about. */
  control(notice: Control): void {
    this.hooks.control?.(notice)
    this.recent.note(notice)
    const close = (match: (c: Client) => boolean, code: number, reason: string) => {
      for (const client of this.clients) if (match(client)) client.ws.close(code, reason)
    }
    if (notice.kind === 'session-ended')
      close((c) => c.sessionHash === notice.hash, CLOSE.signedOut, 'signed out')
    else if (notice.kind === 'user-ended')
      close((c) => c.user.id === notice.id, CLOSE.signedOut, 'signed out')
    else if (notice.kind === 'room-deleted')
      close((c) => c.room.id === notice.id, CLOSE.roomGone, 'room deleted')
    else if (notice.kind === 'room-access')
      this.recheck(notice.id, [...(this.rooms.get(notice.id)?.clients ?? [])])
    else if (notice.kind === 'user-access')
      for (const [roomId, ch] of this.rooms)
        this.recheck(
          roomId,
          [...ch.clients].filter((c) => c.user.id === notice.id),
        )
  }

  /** Closes the sockets of people who may no longer read the room, holding their frames meanwhile. */
  private recheck(roomId: number, clients: Client[], head?: Buffer): Promise<void> {
    return recheckAccess(this.readers, this.log, roomId, clients, head)
  }

  /** Closes every socket, e.g. with 1012 on restart (htmx reconnects, to this node or another). */
  closeAll(code: number, reason: string): void {
    for (const client of this.clients) client.ws.close(code, reason)
  }
}
