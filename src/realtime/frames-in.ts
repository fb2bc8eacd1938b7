/** What a socket may send: htmx's form frame (fields at top level + `headers`), or our resume frame. */
export type InFrame =
  | { type: 'send'; body: unknown; clientId: unknown; csrf: string }
  | { type: 'resume'; lastSeq: number }
  | { type: 'invalid'; reason: string }

// The composer's fields plus what htmx adds (`headers`); anything else is a client we did not write.
const FIELDS = {
  send: new Set(['body', 'client_id', '_csrf', 'headers']),
  resume: new Set(['type', 'last_seq']),
}

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
  const kind = frame.type === undefined ? 'send' : frame.type === 'resume' ? 'resume' : undefined
  if (!kind) return { type: 'invalid', reason: 'unknown frame type' }
  const extra = Object.keys(frame).find((k) => !FIELDS[kind].has(k))
  if (extra !== undefined) return { type: 'invalid', reason: `unknown field "${extra.slice(0, 40)}"` }
  if (kind === 'resume') {
    const last = frame.last_seq
    if (typeof last !== 'number' || !Number.isSafeInteger(last) || last < 0) {
      return { type: 'invalid', reason: 'last_seq must be a whole number' }
    }
    return { type: 'resume', lastSeq: last }
  }
  return {
    type: 'send',
    body: frame.body,
    clientId: frame.client_id,
    csrf: typeof frame._csrf === 'string' ? frame._csrf : '',
  }
}
