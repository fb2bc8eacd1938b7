import type { Kysely } from 'kysely'
import { insertBatch } from './message-batch.repo.ts'
import { type InsertResult, insertOne, type NewMessage } from './message-insert.repo.ts'
import { isDataError } from './pg-errors.ts'
import type { Database } from './schema.ts'

/** At most this many messages go in one statement. */
const MAX_BATCH = 256

interface Waiting {
  input: NewMessage
  resolve(result: InsertResult): void
  reject(err: unknown): void
}

/**
 * Group commit. One statement at a time per database handle: a message that comes while none is running is
 * written at once, alone, as before; those that come while one runs wait for it and then go together, in one
 * statement and one commit. So a quiet server adds no wait, and a busy one makes one round trip and one commit
 * for many messages instead of one each. Messages are written in the order they came.
 */
class MessageWriter {
  private queue: Waiting[] = []
  private running = false

  constructor(private readonly db: Kysely<Database>) {}

  insert(input: NewMessage): Promise<InsertResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject })
      if (!this.running) void this.run()
    })
  }

  private async run(): Promise<void> {
    this.running = true
    try {
      while (this.queue.length > 0) await this.write(this.nextBatch())
    } finally {
      this.running = false
    }
  }

  /**
   * The longest run of waiting messages, up to MAX_BATCH, with no client id twice in a room (a resend sent
   * before its first try was stored): the second waits for the next batch, which finds the first stored.
   */
  private nextBatch(): Waiting[] {
    const keys = new Set<string>()
    let n = 0
    for (; n < this.queue.length && n < MAX_BATCH; n++) {
      const { roomId, clientId } = (this.queue[n] as Waiting).input
      const key = `${roomId} ${clientId}`
      if (keys.has(key)) break
      keys.add(key)
    }
    return this.queue.splice(0, n)
  }

  /** Settles every waiting message of the batch, and never throws. */
  private async write(batch: Waiting[]): Promise<void> {
    const one = (w: Waiting) => insertOne(this.db, w.input).then(w.resolve, w.reject)
    if (batch.length === 1) return one(batch[0] as Waiting)
    let stored: Awaited<ReturnType<typeof insertBatch>>
    try {
      stored = await insertBatch(
        this.db,
        batch.map((w) => w.input),
      )
    } catch (err) {
      // One message's data refused (a client id raced in from another node, say): the statement rolled back
      // whole, so each message is written alone, in order, and only that one fails. Anything else (no
      // database) fails them all at once.
      if (isDataError(err)) for (const w of batch) await one(w)
      else for (const w of batch) w.reject(err)
      return
    }
    batch.forEach((w, i) => {
      const message = stored[i]
      if (message) w.resolve({ kind: 'stored', message, created: true })
    })
    // What the batch could not store (no room, not allowed, archived, a retry) is stored or explained alone,
    // one after another, in order.
    for (const [i, w] of batch.entries()) if (!stored[i]) await one(w)
  }
}

const writers = new WeakMap<Kysely<Database>, MessageWriter>()

/**
 * Stores a message with the room's next seq (see insertOne for the rules); under load, together with the
 * messages that came meanwhile.
 */
export function insertMessage(db: Kysely<Database>, input: NewMessage): Promise<InsertResult> {
  let writer = writers.get(db)
  if (!writer) {
    writer = new MessageWriter(db)
    writers.set(db, writer)
  }
  return writer.insert(input)
}
