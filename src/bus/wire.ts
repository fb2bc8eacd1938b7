import type {
  Activity,
  Control,
  DropReason,
  Frame,
  OnDrop,
  RoomPayload,
  TypingSignal,
  WireVersion,
  WireWriter,
} from './wire-types.ts'
import { activityV0, controlV0, roomV0, writerV0 } from './wire-v0.ts'
import { activityV1, controlV1, KINDS, readFrameV1, roomV1, writeFrameV1 } from './wire-v1.ts'

export { dropWarner } from './wire-drops.ts'
export type {
  Activity,
  Control,
  DropReason,
  Frame,
  OnDrop,
  RoomPayload,
  TypingSignal,
  WireVersion,
  WireWriter,
} from './wire-types.ts'

/**
 * Every payload the bus carries, encoded and decoded here and nowhere else.
 *
 * Version 1: a header line, a JSON object with the version `v`, the `kind` and the kind's fields; then, for a
 * frame or a private room's head, a newline and the HTML as it is. The HTML stays out of the JSON so that a
 * node parses the header's few bytes, never the HTML, once per message (as the unversioned envelope did).
 * The one thing every version keeps: a versioned payload starts with `{`, its first line a JSON object with `v`.
 *
 * Rolling restarts: a node decodes its own version and the one before it (version 0, the unversioned formats
 * of the last release: wire-v0.ts), and writes its own, or the one before it while set so for a rolling
 * upgrade from the last release (BUS_WIRE_VERSION=0, see wireWriter). A payload of a newer version or of a
 * kind it does not know is dropped with a warning, never thrown at the subscriber. Adding an optional field
 * needs no new version (readers ignore fields they do not know); changing what a field means, or removing
 * one, does.
 */
export const WIRE_VERSION = 1

const header = (fields: object): string => JSON.stringify({ v: WIRE_VERSION, ...fields })

/** A room's frame: once per message (the header written without JSON.stringify, see writeFrameV1). */
export function encodeFrame(frame: Frame): string {
  return writeFrameV1(frame)
}

/** A private room's head: see RoomPayload for why it travels marked rather than as a frame. */
export function encodePrivateHead(html: string): string {
  return `${header({ kind: 'head' })}\n${html}`
}

export function encodeTyping(s: TypingSignal): string {
  return header({ kind: 'typing', userId: s.userId, name: s.name, typing: s.typing })
}

export function encodeControl(c: Control): string {
  return header(c)
}

export function encodeActivity(a: Activity): string {
  // An empty name (a bare "@…" trimmed to nothing) names nobody.
  const mentioned = a.mentioned.filter((n) => n !== '')
  return header({ kind: 'activity', roomId: a.roomId, authorId: a.authorId, mentioned, seq: a.seq })
}

const writerV1: WireWriter = {
  frame: encodeFrame,
  privateHead: encodePrivateHead,
  typing: encodeTyping,
  control: encodeControl,
  activity: encodeActivity,
}

/**
 * The encoders every publisher of a node uses, chosen once at start. Version 0 only while nodes of the last
 * release remain (they read nothing else); this release reads both, so the setting may differ between nodes.
 */
export function wireWriter(version: WireVersion): WireWriter {
  return version === 0 ? writerV0 : writerV1
}

const ignore: OnDrop = () => undefined

/** A room topic's payload, or undefined (and `onDrop` told why) if this node cannot use it. */
export function decodeRoom(payload: string, onDrop: OnDrop = ignore): RoomPayload | undefined {
  return readFrameV1(payload) ?? decode(payload, roomV0, roomV1, KINDS.room, onDrop)
}

export function decodeControl(payload: string, onDrop: OnDrop = ignore): Control | undefined {
  return decode(payload, controlV0, controlV1, KINDS.control, onDrop)
}

export function decodeActivity(payload: string, onDrop: OnDrop = ignore): Activity | undefined {
  return decode(payload, activityV0, activityV1, KINDS.activity, onDrop)
}

type Fields = Record<string, unknown>
type ReadV1<T> = (kind: string, fields: Fields, body: string | undefined) => T | undefined

function decode<T>(
  payload: string,
  v0: (payload: string) => T | undefined,
  v1: ReadV1<T>,
  kinds: readonly string[],
  onDrop: OnDrop,
): T | undefined {
  if (!payload.startsWith('{')) return told(v0(payload), onDrop, 'version 0')
  const nl = payload.indexOf('\n')
  const fields = jsonObject(nl < 0 ? payload : payload.slice(0, nl))
  const v = fields?.v
  if (!fields || !Number.isSafeInteger(v) || (v as number) < 1) return told(undefined, onDrop, 'header')
  // Checked before anything else of the header: a newer version may have changed all the rest.
  if ((v as number) > WIRE_VERSION) return dropped(onDrop, 'newer-version', `v${v}`)
  const kind = fields.kind
  if (typeof kind !== 'string') return told(undefined, onDrop, 'header')
  if (!kinds.includes(kind)) return dropped(onDrop, 'unknown-kind', kind.slice(0, 40))
  return told(v1(kind, fields, nl < 0 ? undefined : payload.slice(nl + 1)), onDrop, kind)
}

function told<T>(value: T | undefined, onDrop: OnDrop, what: string): T | undefined {
  if (value === undefined) onDrop('malformed', what)
  return value
}

function dropped(onDrop: OnDrop, reason: DropReason, detail: string): undefined {
  onDrop(reason, detail)
  return undefined
}

function jsonObject(text: string): Fields | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Fields)
      : undefined
  } catch {
    return undefined
  }
}
