import { mentionsIn } from '../mentions.ts'

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
}

// http(s) URLs only: anything else (javascript:, data:) stays plain text.
// (U+FEFF counts as white space in JS, so it is let in here, to be refused below like the others.)
const URL_RE = /\bhttps?:\/\/(?:[^\s<>"']|\uFEFF)+/gi
// Characters that show nothing or change the direction of what follows (U+202E turns
// "https://evil.example/\u202Emoc.elgoog" into what reads as ".../google.com"; a zero-width space
// makes "goo\u200Bgle.com" look like google.com): a URL with one of them is never a link, only text.
const INVISIBLE = /[\p{Bidi_Control}\p{Default_Ignorable_Code_Point}]/u
// Punctuation that ends a sentence rather than the URL ("see https://x.org/a." or "(https://x.org)").
const TRAILING = /[.,;:!?)\]}'"*_]+$/

/**
 * Message text → HTML: every character escaped, http(s) URLs made into links, @mentions marked (the reader's
 * own are highlighted by /me.css). Newlines stay (CSS shows them). A link's text is exactly its href, and
 * app.css isolates it (unicode-bidi: isolate, ltr) so the text around it cannot reorder what it shows.
 */
export function linkify(text: string): string {
  let html = ''
  let last = 0
  for (const match of text.matchAll(URL_RE)) {
    let url = match[0]
    const trailing = TRAILING.exec(url)
    if (trailing) url = keepBalancedParens(url, trailing[0])
    const start = match.index
    if (INVISIBLE.test(url)) continue
    html += mentions(text.slice(last, start))
    const href = escapeHtml(url)
    html += `<a href="${href}" rel="noopener nofollow ugc" target="_blank">${href}</a>`
    last = start + url.length
  }
  return html + mentions(text.slice(last))
}

/** Marks each mention (the grammar is src/mentions.ts) in a stretch of text with no link in it. */
function mentions(text: string): string {
  let html = ''
  let last = 0
  for (const { at, name } of mentionsIn(text)) {
    html += escapeHtml(text.slice(last, at))
    html += `<span class="mention" data-user="${escapeHtml(name.toLowerCase())}">@${escapeHtml(name)}</span>`
    last = at + 1 + name.length
  }
  return html + escapeHtml(text.slice(last))
}

/** Drops trailing punctuation, but keeps a ")" that closes a "(" inside the URL (Wikipedia links). */
function keepBalancedParens(url: string, trailing: string): string {
  let cut = url.slice(0, url.length - trailing.length)
  for (const ch of trailing) {
    const opens = cut.split('(').length - 1
    const closes = cut.split(')').length - 1
    if (ch === ')' && opens > closes) cut += ch
    else break
  }
  return cut
}
