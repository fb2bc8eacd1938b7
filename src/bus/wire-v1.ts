import {
  type Activity,
  CONTROL_KINDS,
  type Control,
  type Frame,
  NAME,
  type RoomPayload,
} from './wire-types.ts'

/**
 * Version 1, field by field: each reader takes the header's fields (a parsed JSON object) and the body (the
 * text after the header's newline, if any) and gives the value, or undefined if a field is missing or wrong.
 * Fields a reader does not know are ignored: a release may add an optional field without a new version.
 */
type Fields = Record<string, unknown>

const count = (v: unknown, min: number): v is number => Number.isSafeInteger(v) && (v as number) >= min

export function roomV1(kind: string, f: Fields, body: string | undefined): RoomPayload | undefined {
  if (kind === 'frame') {
    if (body === undefined || !count(f.seq, 0) || (f.at !== undefined && !count(f.at, 1))) return undefined
    const frame = f.at === undefined ? { seq: f.seq, html: body } : { seq: f.seq, html: body, at: f.at }
    return { kind, frame }
  }
  if (kind === 'head') return body === undefined ? undefined : { kind, html: body }
  const { userId, name, typing } = f
  if (body !== undefined || !count(userId, 1) || typeof name !== 'string' || !NAME.test(name))
    return undefined
  return typeof typing === 'boolean' ? { kind: 'typing', signal: { userId, name, typing } } : undefined
}

export function controlV1(kind: string, f: Fields, body: string | undefined): Control | undefined {
  if (body !== undefined) return undefined
  if (kind === 'session-ended')
    return typeof f.hash === 'string' && /^[0-9a-f]{64}$/.test(f.hash) ? { kind, hash: f.hash } : undefined
  if (!count(f.id, 1)) return undefined
  if (kind === 'read') return count(f.roomId, 1) ? { kind, id: f.id, roomId: f.roomId } : undefined
  if (kind === 'user-ended' || kind === 'room-deleted' || kind === 'room-access' || kind === 'user-access')
    return { kind, id: f.id }
  return undefined
}

export function activityV1(_kind: string, f: Fields, body: string | undefined): Activity | undefined {
  const { roomId, authorId, mentioned, seq } = f
  if (body !== undefined || !count(roomId, 1) || !count(authorId, 1)) return undefined
  if (
    !Array.isArray(mentioned) ||
    !mentioned.every((n): n is string => typeof n === 'string' && NAME.test(n))
  )
    return undefined
  if (seq === undefined) return { roomId, authorId, mentioned }
  return count(seq, 1) ? { roomId, authorId, mentioned, seq } : undefined
}

/**
 * A frame, the one payload of every message on every node, is written and read here without JSON: the header
 * exactly as JSON.stringify would write it (integers only, so the bytes are the same), and read by a pattern
 * that takes only that exact form (anything else, e.g. the same header with a space in it, goes the general
 * way and means the same). This keeps a frame's cost what the unversioned envelope's was.
 */
export function writeFrameV1(frame: Frame): string {
  const { seq, at, html } = frame
  return `{"v":1,"kind":"frame","seq":${seq}${at ? `,"at":${at}` : ''}}\n${html}`
}

const FRAME_HEAD = /^\{"v":1,"kind":"frame","seq":(0|[1-9]\d{0,15})(?:,"at":([1-9]\d{0,15}))?\}\n/

export function readFrameV1(payload: string): RoomPayload | undefined {
  const m = FRAME_HEAD.exec(payload)
  if (!m) return undefined
  const seq = Number(m[1])
  const at = m[2] === undefined ? undefined : Number(m[2])
  if (!Number.isSafeInteger(seq) || (at !== undefined && !Number.isSafeInteger(at))) return undefined
  const html = payload.slice(m[0].length)
  return { kind: 'frame', frame: at === undefined ? { seq, html } : { seq, html, at } }
}

/** The kinds each topic carries in version 1: another kind there is one this release does not know. */
export const KINDS = {
  room: ['frame', 'head', 'typing'],
  control: CONTROL_KINDS,
  activity: ['activity'],
} as const
