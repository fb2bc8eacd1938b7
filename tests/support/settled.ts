import { messageFrames, say } from './admin.ts'
import type { HttpUser } from './http.ts'
import type { TestSocket } from './socket.ts'

// Barriers: how a test knows that nothing more will arrive, without sleeping for "long enough".
// - settled(socket): the server has taken in everything this socket sent before;
// - flush(...): everything pushed to a room before has reached every socket in it;
// - until(check): a state no socket is told of (the database, a bus seen from outside) holds.
// Time itself is never waited for: throttles, expiries and timers run on the app's clock (src/clock.ts), which a
// test passes to startTestApp and moves on with advance(ms). Only Redis's own clock (Redis-backed limits) and
// the heartbeat and other realtime/ intervals still run on real time.

/** How many frames a socket has had refused (each one a notice back to it). */
function refusals(socket: TestSocket): number {
  return socket.frames.filter((f) => f.includes('That frame was refused')).length
}

/**
 * Waits until the server has taken its turn for every frame this socket sent before. Why that is enough:
 * the server takes one socket's frames strictly in order, each after the one before has had its turn
 * (realtime/socket/connection.ts chains them on the socket's queue, behind its room subscription), and
 * refuses a frame of an unknown type at once, on this same socket. So when the barrier's refusal arrives:
 * - the socket is subscribed to its room, and its resume has replayed and counted the sidebar (a socket
 *   opened by openSocket sends its resume first): from here on it is live;
 * - every earlier read frame is stored, or held by the read throttle; every typing frame has been started;
 * - every earlier send has been admitted (or refused) and queued for storing, and every answer or notice
 *   those turns sent to this socket arrived before the refusal (one socket, in order).
 * It says nothing about what other sockets got, nor that a queued message is stored: use flush or until.
 */
export async function settled(socket: TestSocket): Promise<void> {
  const before = refusals(socket)
  socket.sendJson({ type: 'barrier' })
  await socket.waitFor(() => refusals(socket) > before, 'the refusal of a barrier frame')
}

/**
 * Posts `body` and waits until every socket has it: frames of a room arrive in seq order, so whatever an
 * earlier event was going to push has arrived by then (this is how "exactly once" is checked without sleeping).
 */
export async function flush(
  user: HttpUser,
  slug: string,
  body: string,
  sockets: TestSocket[],
): Promise<void> {
  await say(user, slug, body)
  for (const s of sockets)
    await s.waitFor(() => messageFrames(s, body).length > 0, `"${body}" on every socket`)
}

/** Polls `check` (for state that no socket is told of: the database, a bus seen from outside). */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(25)
  }
}

/** The pause between two polls of `until`. */
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
