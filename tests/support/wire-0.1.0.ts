/**
 * The bus wire of the last release (0.1.0), copied verbatim from git history (3ef8c09:
 * src/realtime/fanout/envelope.ts, control.ts, private-head.ts, the activity parts of live/unread-live.ts, and
 * the room topic's dispatch in fanout/hub.ts). Tests use it as that release's node: its encoders are what a
 * node of this release must write with BUS_WIRE_VERSION=0, its readers what must accept it.
 * Never edit these to make a test pass: they stand for code already deployed.
 */
export interface Frame {
  seq: number
  html: string
  at?: number | undefined
}

export interface TypingSignal {
  userId: number
  name: string
  typing: boolean
}

export type Control =
  | { kind: 'session-ended'; hash: string }
  | { kind: 'user-ended'; id: number }
  | { kind: 'room-deleted'; id: number }
  | { kind: 'room-access'; id: number }
  | { kind: 'user-access'; id: number }
  | { kind: 'read'; id: number; roomId: number }

export function encodeFrame(frame: Frame): string {
  return `${frame.seq}${frame.at ? ` ${frame.at}` : ''}\n${frame.html}`
}

export function decodeFrame(payload: string): Frame | undefined {
  const nl = payload.indexOf('\n')
  if (nl < 1) return undefined
  const [seqText, atText] = payload.slice(0, nl).split(' ')
  const seq = Number(seqText)
  const at = atText === undefined ? undefined : Number(atText)
  if (!Number.isSafeInteger(seq) || seq < 0 || (at !== undefined && !Number.isSafeInteger(at)))
    return undefined
  return at === undefined ? { seq, html: payload.slice(nl + 1) } : { seq, html: payload.slice(nl + 1), at }
}

export function encodeTyping(s: TypingSignal): string {
  return `t ${s.userId} ${s.typing ? 1 : 0} ${s.name}`
}

export function decodeTyping(payload: string): TypingSignal | undefined {
  const m = /^t (\d{1,9}) ([01]) ([A-Za-z0-9_.-]{1,32})$/.exec(payload)
  return m ? { userId: Number(m[1]), typing: m[2] === '1', name: m[3] as string } : undefined
}

const MARK = 'p\n'

export function encodePrivateHead(html: string): string {
  return MARK + html
}

export function decodePrivateHead(payload: string): string | undefined {
  return payload.startsWith(MARK) ? payload.slice(MARK.length) : undefined
}

export function encodeControl(c: Control): string {
  if (c.kind === 'read') return `read ${c.id} ${c.roomId}`
  return `${c.kind} ${c.kind === 'session-ended' ? c.hash : c.id}`
}

export function decodeControl(payload: string): Control | undefined {
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

export function encodeActivity(roomId: number, authorId: number, mentioned: string[], seq?: number): string {
  return `${roomId} ${authorId} ${mentioned.join(',')}${seq === undefined ? '' : ` ${seq}`}`
}

/** What UnreadLive.onActivity took from a payload before counting it (undefined: it ignored the payload). */
export function readActivity(
  payload: string,
): { roomId: number; authorId: number; names: string[]; seq?: number } | undefined {
  const [room, author, names = '', seqText] = payload.split(' ')
  const roomId = Number(room)
  const authorId = Number(author)
  if (!Number.isSafeInteger(roomId) || !Number.isSafeInteger(authorId)) return undefined
  const seq = Number(seqText)
  const counted = names.split(',').filter((name) => name)
  return seqText !== undefined && Number.isSafeInteger(seq)
    ? { roomId, authorId, names: counted, seq }
    : { roomId, authorId, names: counted }
}

/** What the hub of that release made of a room topic's payload (undefined: "malformed bus payload dropped"). */
export function readRoom(
  payload: string,
): { typing: TypingSignal } | { head: string } | { frame: Frame } | undefined {
  const typing = payload.startsWith('t ') ? decodeTyping(payload) : undefined
  if (typing) return { typing }
  const head = decodePrivateHead(payload)
  if (head !== undefined) return { head }
  const frame = decodeFrame(payload)
  return frame ? { frame } : undefined
}
