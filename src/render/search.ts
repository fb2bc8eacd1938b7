import type { Hit } from '../chat/search.ts'
import { eta } from './eta.ts'
import { escapeHtml } from './linkify.ts'
import type { Viewer } from './view-models.ts'

/** ts_headline's markers → <mark>, after escaping; a stray marker (typed into a message) is dropped. */
const START = '\u0001'
const STOP = '\u0002'
// Built from strings: the markers are control characters, which a regex literal should not hold.
const PAIR = new RegExp(`${START}([^${START}${STOP}]*)${STOP}`, 'g')
const STRAY = new RegExp(`[${START}${STOP}]`, 'g')

export function markMatches(marked: string): string {
  return escapeHtml(marked).replace(PAIR, '<mark>$1</mark>').replace(STRAY, '')
}

export function renderSearchPage(data: { viewer: Viewer; q: string; hits: Hit[]; error?: string }): string {
  const hits = data.hits.map((h) => ({
    ...h,
    html: markMatches(h.marked),
    iso: h.createdAt.toISOString(),
    when: `${h.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    href: `/rooms/${h.roomSlug}?around=${h.seq}#message-${h.id}`,
  }))
  return eta.render('/search/results', {
    title: data.q ? `Search: ${data.q}` : 'Search',
    error: '',
    ...data,
    hits,
  })
}

export function renderMentionList(names: string[]): string {
  return eta.render('/search/_mentions', { names })
}
