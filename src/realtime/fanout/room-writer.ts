import type { DeliveryStats } from '../../metrics/metrics.ts'
import type { Client, OutFrame } from '../socket/client.ts'

/**
 * A room's sockets are written to at most once per this long (about one screen refresh): the frames of a busy
 * room that arrive meanwhile go out together, as one WebSocket message per socket. A quiet room's frame goes
 * out in the same turn; a busy one's waits at most this long, and every socket write then carries several.
 */
export const FLUSH_GAP_MS = 16
/**
 * The most one combined WebSocket message carries (one frame bigger than this goes alone), and never more than
 * the sockets' catch-up piece size (a quarter of WS_MAX_BUFFERED_KB): no message comes near the limit.
 */
export const MAX_MESSAGE_BYTES = 64 * 1024

/**
 * Writes a room's frames, already in order, to the room's sockets on this node. Paced (as the hub has it),
 * the frames released within one turn or one flush gap go to each socket as one message, built once for all
 * sockets; unpaced (some tests), each frame goes at once.
 */
export class RoomWriter {
  /** Frames released and not yet written: sent together at the end of the turn, or of the gap. */
  private batch: OutFrame[] = []
  private timer: NodeJS.Timeout | undefined
  private lastFlush = Number.NEGATIVE_INFINITY

  constructor(
    private readonly clients: Set<Client>,
    private readonly stats: DeliveryStats,
    private readonly paced: boolean,
  ) {}

  write(frame: OutFrame): void {
    if (!this.paced) {
      this.send([frame])
      return
    }
    if (this.batch.push(frame) > 1) return
    const wait = this.lastFlush + FLUSH_GAP_MS - performance.now()
    if (wait <= 0) setImmediate(this.flush)
    else this.timer = setTimeout(this.flush, wait)
  }

  /** Drops what is waiting: the room has no sockets left here. */
  close(): void {
    clearTimeout(this.timer)
    this.batch = []
  }

  private readonly flush = () => {
    this.timer = undefined
    this.lastFlush = performance.now()
    this.send(this.batch.splice(0))
  }

  /**
   * Several frames go as one WebSocket message (htmx swaps every partial in it, in order): one write. At most
   * a catch-up piece's size to a message (long messages posted in a burst), so no message comes near the
   * unsent-bytes limit a socket is cut at.
   */
  private send(frames: OutFrame[]): void {
    if (frames.length === 0) return
    let most = MAX_MESSAGE_BYTES
    for (const client of this.clients) most = Math.min(most, client.pieceBytes)
    for (const part of byteRuns(frames, most)) {
      const combined = part.length === 1 ? undefined : Buffer.concat(part.map((f) => f.data))
      for (const client of this.clients) client.deliverMany(part, combined)
    }
    const now = Date.now()
    for (const f of frames)
      this.stats.delivered(this.clients.size, f.at === undefined ? undefined : now - f.at)
  }
}

/** Consecutive runs of frames, each within `most` bytes (or one frame). */
function byteRuns(frames: OutFrame[], most: number): OutFrame[][] {
  const runs: OutFrame[][] = [[]]
  let bytes = 0
  for (const f of frames) {
    const run = runs.at(-1) as OutFrame[]
    if (run.length > 0 && bytes + f.data.length > most) {
      runs.push([f])
      bytes = f.data.length
    } else {
      run.push(f)
      bytes += f.data.length
    }
  }
  return runs
}
