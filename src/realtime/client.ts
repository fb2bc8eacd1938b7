import { WebSocket } from 'ws'
import type { Room, User } from '../chat/types.ts'

/** A socket's send buffer above this means a reader who is not keeping up: cut it, catch-up repairs it. */
export const MAX_BUFFERED = 1 << 20

export interface OutFrame {
  seq: number
  data: Buffer
}

/** One open socket: who it is, which room, and what it has been sent. */
export class Client {
  /** Highest message seq this socket has (from the page it said it has, then what we sent). */
  lastSeq = 0
  /** Live frames held while the socket catches up; null once it is live. */
  held: OutFrame[] | null = []
  alive = true
  /** Frames from one socket are handled one after another, so its sends keep their order. */
  queue: Promise<void> = Promise.resolve()

  constructor(
    readonly ws: WebSocket,
    readonly user: User,
    readonly room: Room,
    readonly csrf: string,
    readonly sessionToken: string,
  ) {}

  send(data: Buffer | string): void {
    const ws = this.ws
    if (ws.readyState !== WebSocket.OPEN) return
    if (ws.bufferedAmount > MAX_BUFFERED) {
      ws.terminate()
      return
    }
    // A Buffer goes out as a text frame: htmx swaps text frames only.
    ws.send(data, { binary: false })
  }

  /** A room frame: held during catch-up, skipped if already sent, else sent now. */
  deliver(frame: OutFrame): void {
    if (this.held) {
      this.held.push(frame)
      return
    }
    if (frame.seq > 0 && frame.seq <= this.lastSeq) return
    if (frame.seq > 0) this.lastSeq = frame.seq
    this.send(frame.data)
  }

  /** Ends catch-up at `seq`: sends the held frames that are newer, in order, then goes live. */
  goLive(seq: number): void {
    const held = this.held ?? []
    this.held = null
    this.lastSeq = Math.max(this.lastSeq, seq)
    for (const frame of held) this.deliver(frame)
  }
}
