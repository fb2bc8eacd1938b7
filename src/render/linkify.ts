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
const URL_RE = /\bhttps?:\/\/[^\s<>"']+/gi
// Punctuation that ends a sentence rather than the URL ("see https://x.org/a." or "(https://x.org)").
const TRAILING = /[.,;:!?)\]}'"*_]+$/

/** Message text → HTML: every character escaped, http(s) URLs made into links. Newlines stay (CSS shows them). */
export function linkify(text: string): string {
  let html = ''
  let last = 0
  for (const match of text.matchAll(URL_RE)) {
    let url = match[0]
    const trailing = TRAILING.exec(url)
    if (trailing) url = keepBalancedParens(url, trailing[0])
    const start = match.index
    html += escapeHtml(text.slice(last, start))
    const href = escapeHtml(url)
    html += `<a href="${href}" rel="noopener nofollow ugc" target="_blank">${href}</a>`
    last = start + url.length
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
