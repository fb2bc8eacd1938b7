/**
 * What a socket may send: htmx's form frame (fields at top level + `headers`), or one of ours: resume (the last
 * seq the page has), read (the page shows up to seq, visible), typing (the person is typing).
 */
export type InFrame =
  | { type: 'send'; body: unknown; clientId: unknown; csrf: string; resend?: true }
  | { type: 'resume'; lastSeq: number }
  | { type: 'read'; seq: number }
  | { type: 'typing' }
  | { type: 'invalid'; reason: string }

// The composer's fields plus what htmx adds (`headers`); anything else is a client we did not write.
const FIELDS = {
  // `resend`: the page sends again what went unanswered (sending.js); such a send is never refused as too quick.
  send: new Set(['body', 'client_id', '_csrf', 'headers', 'resend']),
  resume: new Set(['type', 'last_seq']),
  read: new Set(['type', 'seq']),
  typing: new Set(['type']),
}
type Kind = keyof typeof FIELDS

const wholeNumber = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

export function parseFrame(data: string): InFrame {
  let value: unknown
  try {
    value = JSON.parse(data)
  } catch {
    return { type: 'invalid', reason: 'not JSON' }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { type: 'invalid', reason: 'not an object' }
  }
  const frame = value as Record<string, unknown>
  // Own keys only: "__proto__" or "toString" must not pass for a frame type.
  const type = frame.type
  const kind: Kind | undefined =
    type === undefined
      ? 'send'
      : typeof type === 'string' && type !== 'send' && Object.hasOwn(FIELDS, type)
        ? (type as Kind)
        : undefined
  if (!kind) return { type: 'invalid', reason: 'unknown frame type' }
  const extra = Object.keys(frame).find((k) => !FIELDS[kind].has(k))
  if (extra !== undefined) return { type: 'invalid', reason: `unknown field "${extra.slice(0, 40)}"` }
  if (kind === 'resume') {
    if (!wholeNumber(frame.last_seq)) return { type: 'invalid', reason: 'last_seq must be a whole number' }
    return { type: 'resume', lastSeq: frame.last_seq }
  }
  if (kind === 'read') {
    if (!wholeNumber(frame.seq)) return { type: 'invalid', reason: 'seq must be a whole number' }
    return { type: 'read', seq: frame.seq }
  }
  if (kind === 'typing') return { type: 'typing' }
  if (frame.resend !== undefined && typeof frame.resend !== 'boolean')
    return { type: 'invalid', reason: 'resend must be true or false' }
  return {
    type: 'send',
    body: frame.body,
    clientId: frame.client_id,
    csrf: typeof frame._csrf === 'string' ? frame._csrf : '',
    ...(frame.resend === true ? { resend: true as const } : {}),
  }
}
