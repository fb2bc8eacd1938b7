import type { Logger } from '../../log.ts'
import type { Client } from '../socket/client.ts'

/** A read mark is stored at most this often per socket (the page says so on every message it shows). */
const READ_EVERY_MS = 2_000

/** One page's read state: the highest seq it said it has read, when it was last stored, the pending store. */
interface Mark {
  seq: number
  at: number
  timer: NodeJS.Timeout | undefined
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
  ) {}

  async read(client: Client, seq: number): Promise<void> {
    let mark = this.marks.get(client)
    if (!mark) {
      mark = { seq: 0, at: 0, timer: undefined }
      this.marks.set(client, mark)
    }
    mark.seq = Math.max(mark.seq, seq)
    const wait = mark.at + READ_EVERY_MS - Date.now()
    if (wait > 0) {
      const m = mark
      m.timer ??= setTimeout(() => {
        m.timer = undefined
        void this.flush(client, m)
      }, wait)
      return
    }
    await this.flush(client, mark)
  }

  /** Stored even if the page has closed meanwhile: what it said it read, it read. */
  private async flush(client: Client, mark: Mark): Promise<void> {
    mark.at = Date.now()
    await this.store(client, mark.seq).catch((err) =>
      this.log.warn({ err: (err as Error).message }, 'read mark failed'),
    )
  }
}
