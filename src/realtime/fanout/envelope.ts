/**
 * What travels on the bus for a room: the frame's seq, a newline, the frame's HTML. The seq lets every node
 * deliver in order and repair gaps; 0 marks a frame outside the message order.
 */
export interface Frame {
  seq: number
  html: string
  /** When its message was stored (ms since the epoch), for the delivery-lag metric. */
  at?: number | undefined
}

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

/** Someone started or stopped typing in a room: on the room's topic, never stored, shown for a few seconds. */
export interface TypingSignal {
  userId: number
  name: string
  typing: boolean
}

export function encodeTyping(s: TypingSignal): string {
  return `t ${s.userId} ${s.typing ? 1 : 0} ${s.name}`
}

export function decodeTyping(payload: string): TypingSignal | undefined {
  const m = /^t (\d{1,9}) ([01]) ([A-Za-z0-9_.-]{1,32})$/.exec(payload)
  return m ? { userId: Number(m[1]), typing: m[2] === '1', name: m[3] as string } : undefined
}
