/** How long sends and requests already under way may run once a node is told to stop. */
export const SEND_GRACE_MS = 10_000
/**
 * How long HTTP requests may run before they are cut: longer than the sockets' own stop (their sends' grace,
 * then up to 2 s for the 1012 close), so that stop is never cut short while it answers and closes them.
 */
export const SHUTDOWN_GRACE_MS = 13_000

/** What a stopping node waits for, and what it closes, in order (see stopInOrder). */
export interface Stopping {
  /** The sockets: their sends answered (up to SEND_GRACE_MS), then closed with 1012. Bounded by itself. */
  sockets: Promise<unknown>
  /** The HTTP server closed: the requests under way answered. */
  http: Promise<unknown>
  /** Cuts the HTTP connections still open. */
  cutHttp(): void
  /** Closes the bus, the limiter, presence and the store. */
  closeBackends(): Promise<void>
}

/**
 * Waits for what is under way (up to `graceMs`), cuts what is left of HTTP, then waits for the sockets' stop
 * on its own (it bounds itself) and only then closes the backends: a send being answered still has its store.
 */
export async function stopInOrder(s: Stopping, graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const grace = new Promise((resolve) => {
    timer = setTimeout(resolve, graceMs)
  })
  await Promise.race([Promise.allSettled([s.sockets, s.http]), grace])
  clearTimeout(timer)
  s.cutHttp()
  await s.http
  await s.sockets.catch(() => undefined)
  await s.closeBackends()
}
