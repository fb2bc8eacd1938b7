import { perSocket } from './per-socket.ts'

/** Frames one socket may have received and not yet taken in (read, checked, queued for storing). */
const MAX_PENDING_FRAMES = 150

/** A frame's turn: it may hand back work that runs on after the turn (a message being stored). */
export type Turn = () => Promise<{ rest: Promise<void> } | undefined>

/**
 * One socket's incoming frames, handled one after another so that its sends keep their order. It counts the
 * frames not yet taken in (a flood is cut) and, once the node is stopping, starts no more of them (the page
 * resends what was not answered).
 */
export class Inbox {
  private queue: Promise<void> = Promise.resolve()
  private pending = 0
  private stopping = false

  /** Runs `work` after everything queued before it. */
  later(work: () => unknown): void {
    this.queue = this.queue.then(() => {
      work()
    })
  }

  /** Waits for `first` (the room's subscription) before any frame. */
  first(work: Promise<void>): void {
    this.queue = work
  }

  /**
   * Queues a frame's turn: the next frame waits for this turn only; its rest runs on. False if the socket
   * has more frames than it may have waiting (the caller closes it). A client may not send frames faster
   * than they are taken in: that is a flood, not a person typing. Only what the client controls counts: a
   * message taken in and waiting on a slow database is the server's backlog, never the client's.
   */
  take(turn: Turn, failed: (err: unknown) => void): boolean {
    if (this.stopping) return true
    if (++this.pending > MAX_PENDING_FRAMES) return false
    this.queue = this.queue.then(turn).then(
      (later) => {
        this.pending--
        void (later?.rest ?? Promise.resolve()).catch(failed)
      },
      (err) => {
        failed(err)
        this.pending--
      },
    )
    return true
  }

  /** Takes no more frames; settles once the ones taken have had their turn. */
  stop(): Promise<void> {
    this.stopping = true
    return this.queue
  }
}

/** The socket's inbox, made on first use. */
export const inboxOf = perSocket(() => new Inbox())
