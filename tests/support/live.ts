import { type Side, sideEntry } from './html.ts'
import type { HttpUser } from './http.ts'
import { settled } from './settled.ts'
import { type OpenOptions, openSocket, type TestSocket } from './socket.ts'

// What a socket's live features sent it (sidebar entries, "Here now", "… is typing"), read from its frames.

/** The sidebar entries a socket was sent for room `roomId`, oldest first. */
export function sideUpdates(socket: TestSocket, roomId: number): Side[] {
  const target = `<hx-partial hx-target="#side-${roomId}" hx-swap="outerHTML">`
  return socket.extras.flatMap((frame) =>
    frame
      .split('</hx-partial>')
      .filter((part) => part.includes(target))
      .map((part) => sideEntry(part, roomId) as Side),
  )
}

/** What the socket's page shows for room `roomId` now (the last entry it was sent), if it was sent any. */
export function latestSide(socket: TestSocket, roomId: number): Side | undefined {
  return sideUpdates(socket, roomId).at(-1)
}

/** Waits until the last entry the socket was sent for a room matches `want` (fields left out are not checked). */
export async function waitSide(
  socket: TestSocket,
  roomId: number,
  want: Partial<Side>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const matches = () => {
    const side = latestSide(socket, roomId)
    return side !== undefined && Object.entries(want).every(([k, v]) => side[k as keyof Side] === v)
  }
  try {
    await socket.waitFor(matches, what, timeoutMs)
  } catch (err) {
    throw new Error(
      `${(err as Error).message}; want ${JSON.stringify(want)}, last ${JSON.stringify(latestSide(socket, roomId))}`,
    )
  }
}

const PRESENCE = '<hx-partial hx-target="#presence" hx-swap="innerHTML">'
const TYPING = '<hx-partial hx-target="#typing" hx-swap="innerHTML">'

/** The "Here now" lists a socket was sent, oldest first. */
export function presenceLists(socket: TestSocket): string[][] {
  return socket.extras
    .filter((f) => f.startsWith(PRESENCE))
    .map((f) => [...f.matchAll(/<span class="person">([^<]*)<\/span>/g)].map((m) => m[1] as string))
}

/** Waits until the last "Here now" list the socket was sent is exactly `names`. */
export async function waitPresence(socket: TestSocket, names: string[], what: string): Promise<void> {
  const want = JSON.stringify(names)
  try {
    await socket.waitFor(() => JSON.stringify(presenceLists(socket).at(-1)) === want, what)
  } catch (err) {
    throw new Error(`${(err as Error).message}; want ${want}, got ${JSON.stringify(presenceLists(socket))}`)
  }
}

/** The "… is typing" lines a socket was sent, oldest first ("" clears the line). */
export function typingLines(socket: TestSocket): string[] {
  return socket.extras
    .filter((f) => f.startsWith(TYPING))
    .map((f) => f.slice(TYPING.length, f.lastIndexOf('</hx-partial>')))
}

/** A socket that has resumed: its sidebar counts are in place and it is live in the room. */
export async function readySocket(
  user: HttpUser,
  slug: string,
  sockets: TestSocket[],
  opts: OpenOptions = {},
): Promise<TestSocket> {
  const socket = await openSocket(user, slug, opts)
  sockets.push(socket)
  await settled(socket)
  return socket
}
