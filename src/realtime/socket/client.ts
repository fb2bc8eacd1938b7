import { WebSocket } from 'ws'
import type { Room, User } from '../../chat/types.ts'

export interface OutFrame {
  seq: number
  data: Buffer
  at?: number | undefined
}

/** One open socket: who it is, which room, and what it has been sent. */
export class Client {
  /** Highest message seq this socket has (from the page it said it has, then what we sent). */
  lastSeq = 0
  /** Live frames held while the socket catches up; null once it is live. */
  held: OutFrame[] | null = []
  /** Bytes of the held frames: a reader whose catch-up falls this far behind the room is cut like a slow one. */
  private heldBytes = 0
  /** Whether it answered the last heartbeat ping (a socket that missed one since the last round is gone). */
  alive = true

  readonly user: User
  readonly room: Room
  readonly csrf: string
  /** The hash of the session that opened it: signing out closes every socket of that session. */
  readonly sessionHash: string
  readonly ip: string
  /** When its upgrade read the session and access: only notices after this are news to it. */
  readonly checkedAt: number
  /** Unsent bytes above this mean a reader who is not keeping up: cut it, its catch-up repairs it. */
  private readonly maxBuffered: number
  /** The most a catch-up piece may hold: a fraction of that limit, so pieces never come near it. */
  readonly pieceBytes: number

  constructor(
    readonly ws: WebSocket,
    who: {
      user: User
      room: Room
      csrf: string
      sessionHash: string
      ip: string
      maxBuffered: number
      checkedAt?: number
    },
  ) {
    this.user = who.user
    this.room = who.room
    this.csrf = who.csrf
    this.sessionHash = who.sessionHash
    this.ip = who.ip
    this.checkedAt = who.checkedAt ?? Date.now()
    this.maxBuffered = who.maxBuffered
    this.pieceBytes = Math.min(64 * 1024, Math.floor(who.maxBuffered / 4))
  }

  send(data: Buffer | string): void {
    const ws = this.ws
    if (ws.readyState !== WebSocket.OPEN) return
    if (this.tooFarBehind(data.length)) {
      ws.terminate()
      return
    }
    // A Buffer goes out as a text frame: htmx swaps text frames only.
    ws.send(data, { binary: false })
  }

  /** Sends and settles once the bytes are handed to the network: true if the socket is still open then. */
  sendDrained(data: Buffer | string): Promise<boolean> {
    const ws = this.ws
    if (ws.readyState !== WebSocket.OPEN) return Promise.resolve(false)
    if (this.tooFarBehind(data.length)) {
      ws.terminate()
      return Promise.resolve(false)
    }
    return new Promise((resolve) =>
      ws.send(data, { binary: false }, (err) => resolve(!err && ws.readyState === WebSocket.OPEN)),
    )
  }

  /**
   * Whether sending `bytes` more would leave more than the limit unsent. A socket with nothing unsent always
   * takes the frame: one frame the server made (a long message full of mentions) must fit, whatever the limit.
   */
  private tooFarBehind(bytes: number): boolean {
    const unsent = this.ws.bufferedAmount
    return unsent > 0 && unsent + bytes > this.maxBuffered
  }

  /** Takes the held frames (newer than what the socket has) for sending; the socket stays held. */
  takeHeld(): OutFrame[] {
    const held = (this.held ?? []).filter((f) => f.seq === 0 || f.seq > this.lastSeq)
    if (this.held) this.held = []
    this.heldBytes = 0
    for (const f of held) if (f.seq > this.lastSeq) this.lastSeq = f.seq
    return held
  }

  /** A room frame: held during catch-up, skipped if already sent, else sent now. */
  deliver(frame: OutFrame): void {
    if (this.held) {
      this.held.push(frame)
      this.heldBytes += frame.data.length
      // One frame alone is never too much (see tooFarBehind).
      if (this.heldBytes > this.maxBuffered && this.held.length > 1) this.ws.terminate()
      return
    }
    if (frame.seq > 0 && frame.seq <= this.lastSeq) return
    if (frame.seq > 0) this.lastSeq = frame.seq
    this.send(frame.data)
  }

  /**
   * Several room frames at once: as one message (`combined`) when this socket needs all of them, else one by
   * one through `deliver` (held during catch-up, or partly sent already).
   */
  deliverMany(frames: OutFrame[], combined?: Buffer): void {
    const first = frames.find((f) => f.seq > 0)
    if (!combined || this.held || (first && first.seq <= this.lastSeq)) {
      for (const frame of frames) this.deliver(frame)
      return
    }
    for (const f of frames) if (f.seq > this.lastSeq) this.lastSeq = f.seq
    this.send(combined)
  }

  /** Ends catch-up at `seq`: sends the held frames that are newer, in order, then goes live. */
  goLive(seq: number): void {
    const held = this.held ?? []
    this.held = null
    this.heldBytes = 0
    this.lastSeq = Math.max(this.lastSeq, seq)
    for (const frame of held) this.deliver(frame)
  }
}
