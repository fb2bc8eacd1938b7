import type { RoomEvent } from '../chat/types.ts'
import { eta } from './eta.ts'
import { messageView, type PageView } from './view-models.ts'

/**
 * A catch-up cut into pieces of at most about `maxBytes` each (one event more only when a single event is
 * bigger), rendered as they are asked for. A far-behind reader's catch-up as one frame could be bigger than
 * what a socket may have unsent, and be cut on every reconnect; pieces go one at a time as the socket drains.
 * Each piece starts with `<!--seq N-->` for the last event it holds (the last one for `lastSeq`, which also
 * covers holes), so a page cut off half-way resumes from what it really has.
 */
export function* replayPieces(events: RoomEvent[], lastSeq: number, maxBytes: number): Generator<string> {
  const parts = events.map((e) => ({
    seq: e.seq,
    render: () => eta.render('/frames/_event', { kind: e.kind, seq: e.seq, message: messageView(e.message) }),
  }))
  if (parts.length === 0) {
    yield `<!--seq ${lastSeq}-->`
    return
  }
  yield* packed(parts, lastSeq, maxBytes, (html) => html)
}

/**
 * Too much was missed: the latest page afresh, the first piece replacing the log (with its "older" link),
 * the others appended to it.
 */
export function* reloadPieces(history: PageView, lastSeq: number, maxBytes: number): Generator<string> {
  const older = eta.render('/messages/_history', { ...history, messages: [] })
  const parts = history.messages.map((m) => ({
    seq: m.seq,
    render: () => eta.render('/messages/_message', m),
  }))
  const wrap = (html: string, first: boolean) =>
    first
      ? `<hx-partial hx-target="#messages" hx-swap="innerHTML">${older}${html}</hx-partial>`
      : `<hx-partial hx-target="#messages" hx-swap="beforeend">${html}</hx-partial>`
  if (parts.length === 0) {
    yield `<!--seq ${lastSeq}-->${wrap('', true)}`
    return
  }
  yield* packed(parts, lastSeq, maxBytes, wrap)
}

function* packed(
  parts: Array<{ seq: number; render: () => string }>,
  lastSeq: number,
  maxBytes: number,
  wrap: (html: string, first: boolean) => string,
): Generator<string> {
  let html = ''
  let bytes = 0
  let first = true
  for (const [i, part] of parts.entries()) {
    const next = part.render()
    const size = Buffer.byteLength(next)
    if (html && bytes + size > maxBytes) {
      yield `<!--seq ${parts[i - 1]?.seq}-->${wrap(html, first)}`
      html = ''
      bytes = 0
      first = false
    }
    html += next
    bytes += size
  }
  yield `<!--seq ${lastSeq}-->${wrap(html, first)}`
}
