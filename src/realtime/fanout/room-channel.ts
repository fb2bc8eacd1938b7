import type { Frame } from '../../bus/wire.ts'
import type { Logger } from '../../log.ts'
import type { DeliveryStats } from '../../metrics/metrics.ts'
import type { Client, OutFrame } from '../socket/client.ts'
import { RoomWriter } from './room-writer.ts'

/**
 * Loads the frames of the room's events with after < seq < before from the database (the truth), a page at a
 * time. `through`: every seq up to it is accounted for (one not among the frames is a hole, never coming);
 * `more`: the page was cut short, more lies beyond `through`.
 */
export type LoadFrames = (
  roomId: number,
  after: number,
  before: number,
) => Promise<{ frames: Frame[]; through: number; more: boolean }>

const REPAIR_AFTER_MS = 200

/**
 * One room on this node: its local sockets, and the message frames put back in seq order. A frame that
 * arrives ahead of a gap waits briefly; if the gap is still there, the missing frames come from the database.
 */
export class RoomChannel {
  readonly clients = new Set<Client>()
  /** Settles once the room's bus topic is subscribed on this node. */
  ready: Promise<void> = Promise.resolve()
  private readonly pending = new Map<number, OutFrame>()
  private repairTimer: NodeJS.Timeout | undefined
  /** A repair read is under way: frames arriving meanwhile wait for it rather than start reads of their own. */
  private repairing = false

  constructor(
    readonly roomId: number,
    /** Highest seq delivered to this node's sockets, with nothing missing below it. */
    private lastSeq: number,
    private readonly load: LoadFrames,
    private readonly log: Logger,
    stats: DeliveryStats = { delivered() {} },
    /** Pace the writes: a busy room's frames go several to a message (the hub does; tests may not). */
    paced = false,
    /** While the bus is down, a gap's frames will not come by it: read them at once, not after a wait. */
    private readonly busDown: () => boolean = () => false,
  ) {
    this.writer = new RoomWriter(this.clients, stats, paced)
  }

  private readonly writer: RoomWriter

  receive(frame: Frame): void {
    if (frame.seq > 0 && (frame.seq <= this.lastSeq || this.pending.has(frame.seq))) return
    // Encoded once per message per node: every socket is sent the same bytes.
    const out = { seq: frame.seq, data: Buffer.from(frame.html), at: frame.at }
    if (out.seq === 0) {
      this.writer.write(out)
      return
    }
    this.pending.set(out.seq, out)
    this.drain()
    if (this.pending.size > 0) this.scheduleRepair()
  }

  /**
   * Delivers whatever the database holds beyond what this node delivered: after the bus was down, and now and
   * then in case a publish was lost (a node that died between its commit and its publish).
   */
  async resync(): Promise<void> {
    for (;;) {
      const from = this.lastSeq
      const page = await this.load(this.roomId, from, Number.MAX_SAFE_INTEGER)
      this.apply(page.frames, page.through)
      if (!page.more || this.lastSeq <= from) return
    }
  }

  close(): void {
    clearTimeout(this.repairTimer)
    this.pending.clear()
    this.writer.close()
  }

  private drain(): void {
    for (let next = this.pending.get(this.lastSeq + 1); next; next = this.pending.get(this.lastSeq + 1)) {
      this.pending.delete(next.seq)
      this.lastSeq = next.seq
      this.writer.write(next)
    }
  }

  /** One repair at a time: the next is scheduled once it settles, if gaps remain (after a failed read, not at once). */
  private scheduleRepair(failed = false): void {
    if (this.repairTimer || this.repairing) return
    const wait = this.busDown() && !failed ? 0 : REPAIR_AFTER_MS
    this.repairTimer = setTimeout(() => {
      this.repairTimer = undefined
      this.repairing = true
      this.repair().then(
        () => this.repaired(false),
        (err) => {
          this.log.warn({ room: this.roomId, err: (err as Error).message }, 'gap repair failed')
          this.repaired(true)
        },
      )
    }, wait)
  }

  private repaired(failed: boolean): void {
    this.repairing = false
    if (this.pending.size > 0) this.scheduleRepair(failed)
  }

  /**
   * Reads every gap up to the newest waiting frame at once: one gap per round would let frames (this node's
   * own included) queue behind gaps faster than they are filled while the bus is down.
   */
  private async repair(): Promise<void> {
    if (this.pending.size === 0) return
    let newest = 0
    for (const seq of this.pending.keys()) if (seq > newest) newest = seq
    const from = this.lastSeq
    const page = await this.load(this.roomId, from, newest)
    // While the bus is down every message of another node is a gap: that is expected, not news.
    const level = this.busDown() ? 'debug' : 'info'
    this.log[level](
      { room: this.roomId, from: from + 1, to: newest - 1, found: page.frames.length },
      'gaps repaired',
    )
    this.apply(page.frames, page.through)
  }

  /**
   * Takes frames read from the database, accounting for every seq up to `through`: a seq still missing there
   * was deleted or superseded since, and is stepped over rather than waited for.
   */
  private apply(frames: Frame[], through: number): void {
    for (const frame of frames) this.receive(frame)
    const waiting = [...this.pending.keys()].filter((seq) => seq <= through).sort((a, b) => a - b)
    for (const seq of waiting) {
      if (!this.pending.has(seq)) continue
      this.lastSeq = seq - 1
      this.drain()
    }
    if (through > this.lastSeq) this.lastSeq = through
    this.drain()
  }
}
