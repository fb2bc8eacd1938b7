/** What a socket may send: htmx's form frame (fields at top level + `headers`), or our resume frame. */
export type InFrame =
  | { type: 'send'; body: unknown; clientId: unknown; csrf: string }
  | { type: 'resume'; lastSeq: number }
  | { type: 'invalid'; reason: string }

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
  if (frame.type === 'resume') {
    const last = frame.last_seq
    if (typeof last !== 'number' || !Number.isSafeInteger(last) || last < 0) {
      return { type: 'invalid', reason: 'last_seq must be a whole number' }
    }
    return { type: 'resume', lastSeq: last }
  }
  if (frame.type !== undefined) return { type: 'invalid', reason: 'unknown frame type' }
  return {
    type: 'send',
    body: frame.body,
    clientId: frame.client_id,
    csrf: typeof frame._csrf === 'string' ? frame._csrf : '',
  }
}
