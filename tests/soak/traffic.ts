/** What a soak client does next, and what it writes: random, but with the mix below. */
export type Action = 'send' | 'burst' | 'reconnect' | 'oversize' | 'malformed'

// Shares of all actions. One action every ~12 s on average makes a send about every 15 s per client, well
// inside the per-person limit (burst 5, 10 per 10 s); the rare burst of 7 is what meets "Slow down".
const MIX: Array<[Action, number]> = [
  ['send', 0.8],
  ['reconnect', 0.09],
  ['malformed', 0.05],
  ['oversize', 0.03],
  ['burst', 0.03],
]
const MEAN_GAP_MS = 12_000

export function nextAction(): Action {
  let r = Math.random()
  for (const [action, share] of MIX) {
    r -= share
    if (r < 0) return action
  }
  return 'send'
}

/** Exponential gaps (a Poisson stream per client), capped so that no client sleeps through a short run. */
export function nextGapMs(): number {
  return Math.min(-Math.log(1 - Math.random()) * MEAN_GAP_MS, 4 * MEAN_GAP_MS)
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T
const WORDS = ['hello', 'ship it', 'café', '😀', '<b>bold?</b>', 'a & b', '"quoted"', "it's", '#42', 'ok']
const LINKS = ['https://example.org/a?b=1&c=2', 'http://x.example/(wiki)', 'javascript:alert(1)']

export interface Body {
  text: string
  /** Whether the server must accept it (else it must refuse it as invalid). */
  valid: boolean
}

/** Mostly ordinary text (words, markup, links, newlines, up to ~3,000 characters); now and then an invalid one. */
export function nextBody(n: number): Body {
  const r = Math.random()
  if (r < 0.02) return { text: pick(['', '   ', '\n\t\n']), valid: false }
  if (r < 0.04) return { text: 'y'.repeat(4001), valid: false }
  const long = Math.random() < 0.05
  const count = long ? 300 + Math.floor(Math.random() * 300) : 1 + Math.floor(Math.random() * 12)
  const words = Array.from({ length: count }, () => (Math.random() < 0.1 ? pick(LINKS) : pick(WORDS)))
  const sep = Math.random() < 0.2 ? '\r\n' : ' '
  // Cut by code points, not UTF-16 units, as the server counts them.
  return { text: [...`#${n} ${words.join(sep)}`].slice(0, 3500).join(''), valid: true }
}

/** A frame bigger than the server's 64 KiB limit: it must close the socket with 1009. */
export const OVERSIZE = 'x'.repeat(64 * 1024 + 1)

/** Not JSON, an unknown type, or binary data: refused with a notice (text) or a 1003 close (binary). */
export function nextMalformed(): string | Buffer {
  return pick<string | Buffer>(['not json', '{"type":"boom"}', Buffer.from([0xde, 0xad, 0xbe, 0xef])])
}
