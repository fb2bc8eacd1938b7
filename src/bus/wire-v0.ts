import { type Activity, type Control, NAME, type RoomPayload, type WireWriter } from './wire-types.ts'

/**
 * Version 0: the unversioned formats of the release before the wire module (0.1.0), read so that a node of
 * this release understands one of the last during a rolling restart, and written only with BUS_WIRE_VERSION=0
 * (while a rolling upgrade from 0.1.0 is under way: its nodes read nothing else). Delete this file in the
 * release after the one that writes version 1 everywhere: by then no node speaks version 0.
 *   room topic:  `seq[ at]\n<html>` (a frame), `p\n<html>` (a private room's head), `t userId 0|1 name` (typing)
 *   control:     `kind id`, `session-ended <64 hex>`, `read userId roomId`
 *   activity:    `roomId authorId name,name[ seq]`
 * The rules are those of the old decoders, except that activity now wants whole numbers where it took any.
 */
export function roomV0(payload: string): RoomPayload | undefined {
  if (payload.startsWith('t ')) {
    const m = /^t (\d{1,9}) ([01]) (.+)$/.exec(payload)
    return m && NAME.test(m[3] as string)
      ? { kind: 'typing', signal: { userId: Number(m[1]), typing: m[2] === '1', name: m[3] as string } }
      : undefined
  }
  if (payload.startsWith('p\n')) return { kind: 'head', html: payload.slice(2) }
  const nl = payload.indexOf('\n')
  if (nl < 1) return undefined
  const [seqText, atText] = payload.slice(0, nl).split(' ')
  const seq = Number(seqText)
  const at = atText === undefined ? undefined : Number(atText)
  if (!Number.isSafeInteger(seq) || seq < 0 || (at !== undefined && !Number.isSafeInteger(at)))
    return undefined
  const html = payload.slice(nl + 1)
  return { kind: 'frame', frame: at === undefined ? { seq, html } : { seq, html, at } }
}

export function controlV0(payload: string): Control | undefined {
  const [kind, arg = '', arg2 = ''] = payload.split(' ')
  if (kind === 'read') {
    const [id, roomId] = [Number(arg), Number(arg2)]
    return Number.isSafeInteger(id) && id > 0 && Number.isSafeInteger(roomId) && roomId > 0
      ? { kind, id, roomId }
      : undefined
  }
  if (kind === 'session-ended') return /^[0-9a-f]{64}$/.test(arg) ? { kind, hash: arg } : undefined
  const id = Number(arg)
  if (!Number.isSafeInteger(id) || id < 1) return undefined
  if (kind === 'user-ended' || kind === 'room-deleted' || kind === 'room-access' || kind === 'user-access')
    return { kind, id }
  return undefined
}

const WHOLE = /^\d{1,15}$/

export function activityV0(payload: string): Activity | undefined {
  const parts = payload.split(' ')
  const [room = '', author = '', names = '', seqText] = parts
  if (parts.length < 3 || parts.length > 4 || !WHOLE.test(room) || !WHOLE.test(author)) return undefined
  if (seqText !== undefined && !WHOLE.test(seqText)) return undefined
  // An empty name (a bare "@…" trimmed to nothing) was skipped when counted: it is skipped here.
  const mentioned = names.split(',').filter((n) => n !== '')
  if (!mentioned.every((n) => NAME.test(n))) return undefined
  const [roomId, authorId] = [Number(room), Number(author)]
  if (roomId < 1 || authorId < 1) return undefined
  return seqText === undefined
    ? { roomId, authorId, mentioned }
    : { roomId, authorId, mentioned, seq: Number(seqText) }
}

/**
 * The last release's encoders, byte for byte (git show 3ef8c09:src/realtime/fanout/envelope.ts, control.ts,
 * private-head.ts, live/unread-live.ts): a node of that release reads these and nothing else. An empty
 * mentioned name is kept, as that release wrote it; its reader skipped it, and so does activityV0.
 */
export const writerV0: WireWriter = {
  frame: (f) => `${f.seq}${f.at ? ` ${f.at}` : ''}\n${f.html}`,
  privateHead: (html) => `p\n${html}`,
  typing: (s) => `t ${s.userId} ${s.typing ? 1 : 0} ${s.name}`,
  control: (c) => (c.kind === 'read' ? `read ${c.id} ${c.roomId}` : `${c.kind} ${controlArg(c)}`),
  activity: (a) =>
    `${a.roomId} ${a.authorId} ${a.mentioned.join(',')}${a.seq === undefined ? '' : ` ${a.seq}`}`,
}

function controlArg(c: Exclude<Control, { kind: 'read' }>): string | number {
  return c.kind === 'session-ended' ? c.hash : c.id
}
