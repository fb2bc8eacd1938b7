import type { TestApp } from './app.ts'
import type { HttpUser } from './http.ts'
import { type OpenOptions, openSocket, type TestSocket } from './socket.ts'

/** One sidebar entry as a page or a frame shows it. */
export interface Side {
  unread: number
  /** From the badge's title ("N unread, M mentioning you"): only there when the badge is. */
  mentions: number
  /** class="mentioned": the room's red mark. */
  mentioned: boolean
  current: boolean
}

/** The sidebar entry of room `roomId` in a page or a frame, or undefined if it has none. */
export function sideEntry(html: string, roomId: number): Side | undefined {
  const m = new RegExp(`<li id="side-${roomId}"( class="mentioned")?>([\\s\\S]*?)</li>`).exec(html)
  if (!m) return undefined
  const inner = m[2] as string
  const badge = /<span class="unread" title="(\d+) unread(?:, (\d+) mentioning you)?">(\d+)</.exec(inner)
  if (badge && badge[1] !== badge[3]) throw new Error(`badge and title disagree: ${inner}`)
  return {
    unread: badge ? Number(badge[1]) : 0,
    mentions: badge?.[2] ? Number(badge[2]) : 0,
    mentioned: m[1] !== undefined,
    current: inner.includes('aria-current="page"'),
  }
}

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

/** How many frames a socket has had refused (each one a notice back to it). */
function refusals(socket: TestSocket): number {
  return socket.frames.filter((f) => f.includes('That frame was refused')).length
}

/**
 * Waits until the server has handled every frame this socket sent before: frames of one socket are handled in
 * order, so the refusal of a deliberately unknown frame comes back only after them.
 */
export async function settled(socket: TestSocket): Promise<void> {
  const before = refusals(socket)
  socket.sendJson({ type: 'barrier' })
  await socket.waitFor(() => refusals(socket) > before, 'the refusal of a barrier frame')
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

export async function roomId(app: TestApp, slug: string): Promise<number> {
  const row = await app.store.db
    .selectFrom('rooms')
    .select('id')
    .where('slug', '=', slug)
    .executeTakeFirstOrThrow()
  return row.id
}

export async function lastSeq(app: TestApp, slug: string): Promise<number> {
  const row = await app.store.db
    .selectFrom('rooms')
    .select('last_seq')
    .where('slug', '=', slug)
    .executeTakeFirstOrThrow()
  return row.last_seq
}

/** A person's read mark in a room (undefined: none stored). */
export async function readMark(app: TestApp, userId: number, room: number): Promise<number | undefined> {
  const row = await app.store.db
    .selectFrom('room_reads')
    .select('last_read_seq')
    .where('user_id', '=', userId)
    .where('room_id', '=', room)
    .executeTakeFirst()
  return row?.last_read_seq
}

/** How many messages are stored, in every room. */
export async function storedMessages(app: TestApp): Promise<number> {
  return (await app.store.db.selectFrom('messages').select('id').execute()).length
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

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
