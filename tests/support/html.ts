// Parsed HTML: what a test picks out of a page or a frame (an HTML string). Helpers that read a socket's
// frames (socket.ts, live.ts) are built on these.

/** The article ids of a page or frame, in document order. */
export function articleIds(html: string): string[] {
  return [...html.matchAll(/<article class="message" id="(message-\d+)"/g)].map((m) => m[1] as string)
}

/** The seqs of a page or frame's articles, in document order. */
export function seqs(html: string): number[] {
  return [...html.matchAll(/<article class="message" id="message-\d+" data-seq="(\d+)"/g)].map((m) =>
    Number(m[1]),
  )
}

/** The client_id the composer of a page carries. */
export function clientIdOf(html: string): string {
  const id = /name="client_id" value="([^"]+)"/.exec(html)?.[1]
  if (!id) throw new Error('no composer client_id on the page')
  return id
}

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
