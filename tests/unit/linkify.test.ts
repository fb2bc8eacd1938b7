import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { describe, it } from 'node:test'
import { linkify } from '../../src/render/linkify.ts'

/**
 * Issue 12, item 9: a link's visible text must never differ from where it goes. Characters that show nothing
 * or turn the text around (bidi controls, zero-width characters) are refused inside URLs: such a URL stays text.
 */

const ANCHOR = /<a href="([^"]*)"[^>]*>([^<]*)<\/a>/g
const links = (html: string) => [...html.matchAll(ANCHOR)].map(([, href, text]) => ({ href, text }))

const BIDI = [
  '\u202A',
  '\u202B',
  '\u202C',
  '\u202D',
  '\u202E',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200E',
  '\u200F',
  '\u061C',
]
const ZERO_WIDTH = ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF']
const hex = (c: string) => `U+${(c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`

describe('linkify: what a link shows is where it goes', () => {
  it('does not link a URL with a right-to-left override (…/\\u202Emoc.elgoog reads as google.com)', () => {
    const text = 'log in at https://evil.example/\u202Emoc.elgoog now'
    const html = linkify(text)
    assert.deepEqual(links(html), [], html)
    assert.equal(html, 'log in at https://evil.example/\u202Emoc.elgoog now', 'the text is kept as it was')
  })

  for (const c of [...BIDI, ...ZERO_WIDTH]) {
    it(`does not link a URL with ${hex(c)} in its host, its path or at its end`, () => {
      for (const text of [
        `see https://goo${c}gle.com/login`,
        `see https://google.com${c}.evil.example/`,
        `see https://evil.example/${c}moc.elgoog`,
        `see https://evil.example/x${c}`,
      ]) {
        const html = linkify(text)
        for (const link of links(html)) assert.equal(link.text, link.href, html)
        assert.deepEqual(links(html), [], `${hex(c)}: ${JSON.stringify(text)} → ${html}`)
      }
    })
  }

  it('still links the clean URLs around a refused one, each showing exactly its href', () => {
    const html = linkify('a https://ok.example/a b https://evil.example/\u202Etxt c https://ok.example/b.')
    assert.deepEqual(links(html), [
      { href: 'https://ok.example/a', text: 'https://ok.example/a' },
      { href: 'https://ok.example/b', text: 'https://ok.example/b' },
    ])
  })

  it('lets a bidi control outside a URL be (Arabic or Hebrew text around a link), linking the URL alone', () => {
    const html = linkify('\u202Bשלום\u202C https://ok.example/page \u2067مرحبا\u2069')
    assert.deepEqual(links(html), [{ href: 'https://ok.example/page', text: 'https://ok.example/page' }])
  })

  it('links stay left to right and isolated from the text around them (app.css)', async () => {
    const css = await readFile(new URL('../../public/app.css', import.meta.url), 'utf8')
    const rule = /\.message \.body a \{([^}]*)\}/.exec(css)?.[1] ?? ''
    assert.match(rule, /unicode-bidi: isolate;/)
    assert.match(rule, /direction: ltr;/)
  })
})
