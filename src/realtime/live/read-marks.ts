import type { Clock } from '../../clock.ts'
import type { Logger } from '../../log.ts'
import type { Client } from '../socket/client.ts'
import { perSocket } from '../socket/per-socket.ts'

/** A read mark is stored at most this often per socket (the page says so on every message it shows). */
export const READ_EVERY_MS = 2_000

/** One page's read state: the highest seq it said it has read, when it was last stored, a store pending. */
interface Mark {
  seq: number
  at: number
  pending: boolean
}

/**
 * What each page says it has read, stored throttled: now, or (within READ_EVERY_MS of the last store) the
 * latest mark when the window ends. A failed store is logged and left: the next mark repairs it.
 */
export class ReadMarks {
  private readonly markOf = perSocket((): Mark => ({ seq: 0, at: 0, pending: false }))

  constructor(
    private readonly store: (client: Client, seq: number) => Promise<void>,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {}

  async read(client: Client, seq: number): Promise<void> {
    const mark = this.markOf(client)
    mark.seq = Math.max(mark.seq, seq)
    const wait = mark.at + READ_EVERY_MS - this.clock.now()
    if (wait > 0) {
      if (mark.pending) return
      mark.pending = true
      // Never cancelled: a page that closes within the window has still read what it said.
      this.clock.after(wait, () => {
        mark.pending = false
        void this.flush(client, mark)
      })
      return
    }
    await this.flush(client, mark)
  }

  /** Stored even if the page has closed meanwhile: what it said it read, it read. */
  private async flush(client: Client, mark: Mark): Promise<void> {
    mark.at = this.clock.now()
    await this.store(client, mark.seq).catch((err) =>
      this.log.warn({ err: (err as Error).message }, 'read mark failed'),
    )
  }
}
