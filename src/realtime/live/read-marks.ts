import type { Clock } from '../../clock.ts'
import type { Logger } from '../../log.ts'
import type { Client } from '../socket/client.ts'

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
  private readonly marks = new WeakMap<Client, Mark>()

  constructor(
    private readonly store: (client: Client, seq: number) => Promise<void>,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {}

  async read(client: Client, seq: number): Promise<void> {
    let mark = this.marks.get(client)
    if (!mark) {
      mark = { seq: 0, at: 0, pending: false }
      this.marks.set(client, mark)
    }
    mark.seq = Math.max(mark.seq, seq)
    const wait = mark.at + READ_EVERY_MS - this.clock.now()
    if (wait > 0) {
      const m = mark
      if (m.pending) return
      m.pending = true
      // Never cancelled: a page that closes within the window has still read what it said.
      this.clock.after(wait, () => {
        m.pending = false
        void this.flush(client, m)
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
