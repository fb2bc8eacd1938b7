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

/** At most this many statements run at once (on as many connections), each for rooms none of the others has. */
const MAX_IN_FLIGHT = 4

/**
 * Group commit. A message that comes while its room has no statement running is written at once, as before;
 * those that come while one runs wait for it and then go together, in one statement and one commit. So a quiet
 * server adds no wait, and a busy one makes one round trip and one commit for many messages instead of one
 * each. A room's messages are written one statement after another, in the order they came; other rooms' go
 * meanwhile (up to MAX_IN_FLIGHT statements), so a statement stuck on a dead connection holds up its own
 * rooms until it times out, not every room of the node.
 */
class MessageWriter {
  private queue: Waiting[] = []
  private inFlight = 0
  /** Rooms with a statement running. */
  private readonly busy = new Set<number>()

  constructor(private readonly db: Kysely<Database>) {}

  insert(input: NewMessage): Promise<InsertResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject })
      this.pump()
    })
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT) {
      const batch = this.nextBatch()
      if (batch.length === 0) return
      const rooms = new Set(batch.map((w) => w.input.roomId))
      for (const room of rooms) this.busy.add(room)
      this.inFlight++
      void this.write(batch).finally(() => {
        this.inFlight--
        for (const room of rooms) this.busy.delete(room)
        this.pump()
      })
    }
  }

  /**
   * Up to MAX_BATCH waiting messages, in the order they came, of rooms with no statement running. A room's
   * messages stop at its first that cannot go: its client id already in the batch (a resend sent before its
   * first try was stored waits for the next statement, which finds the first stored), or a full batch.
   */
  private nextBatch(): Waiting[] {
    const keys = new Set<string>()
    const stopped = new Set<number>(this.busy)
    const taken: Waiting[] = []
    const left: Waiting[] = []
    for (const w of this.queue) {
      const { roomId, clientId } = w.input
      const key = `${roomId} ${clientId}`
      if (stopped.has(roomId) || keys.has(key) || taken.length >= MAX_BATCH) {
        stopped.add(roomId)
        left.push(w)
      } else {
        keys.add(key)
        taken.push(w)
      }
    }
    this.queue = left
    return taken
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
