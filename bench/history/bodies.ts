/**
 * The bodies seeded messages are drawn from: chat-like lengths (mostly a short line, sometimes a paragraph),
 * about one in six mentioning someone (one in fifty the viewer), and SEARCH_WORD in about one in five.
 * Deterministic (a fixed-seed PRNG), so every run seeds the same history.
 */
import { PEOPLE, VIEWER } from './shape.ts'

/** A word in many messages: what the search measurement looks for. */
export const SEARCH_WORD = 'deploy'
/** A prime, so message i's body (i × 7919 mod BODIES) does not line up with its room (i mod 200). */
const BODIES = 997

const WORDS = (
  'the a to and of is it that we in on for this with can you not just be have so at but if do what ' +
  'build test review merge branch fix bug release ticket meeting lunch today tomorrow later please thanks ' +
  'looks good agree maybe issue server database query index slow fast cache page room people chat ' +
  'hello morning coffee weekend plan design note draft ship done wait check link doc update'
).split(' ')

function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const person = (i: number) => `p${String(i).padStart(4, '0')}`

export function seedBodies(): string[] {
  const rand = prng(14)
  const pick = () => WORDS[Math.floor(rand() * WORDS.length)] as string
  return Array.from({ length: BODIES }, () => {
    // Skewed lengths: most 3–15 words (20–90 characters), a few up to ~70 words.
    const words = Array.from({ length: 3 + Math.floor(rand() ** 3 * 70) }, pick)
    if (rand() < 0.2) words.splice(Math.floor(rand() * words.length), 0, SEARCH_WORD)
    const r = rand()
    if (r < 0.02) words.unshift(`@${VIEWER}`)
    else if (r < 0.17) words.unshift(`@${person(1 + Math.floor(rand() * (PEOPLE - 1)))}`)
    const text = words.join(' ')
    return `${text[0]?.toUpperCase()}${text.slice(1)}${rand() < 0.3 ? '?' : '.'}`
  })
}
