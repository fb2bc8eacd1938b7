import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { Invalid } from '../../src/chat/errors.ts'
import type { Message } from '../../src/chat/types.ts'
import * as valid from '../../src/chat/validate.ts'
import { type InFrame, parseFrame } from '../../src/realtime/socket/frames-in.ts'
import { renderMessageFrame } from '../../src/render/frames.ts'
import { escapeHtml, linkify } from '../../src/render/linkify.ts'

// Random each run; FC_SEED=<seed printed by a failure> replays it.
const runs = (numRuns: number) => ({
  numRuns,
  ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
})

// Pieces that hit the interesting branches: markup, entities, schemes, URL ends, blanks and odd code points.
const FRAGMENTS =
  '<|>|"|\'|&|&amp;|&lt;|&#39;|javascript:|http://|https://|HTTPS://|<script>|</a>|<a href="|onerror='
    .concat(
      '| onclick="x"|\n|\r\n|\r|\t| |\u00a0|\u2028|(|)|.|,|!|*|x.example|/p?a=1&b=2|#f|é|e\u0301|😀|\u0000',
    )
    .split('|')
const URL_PARTS = 'x.example|/|(|)|.|,|;|?a=1&b=2|"|\'|<|>| |\n|é|%20|#|\u00a0'.split('|')
const htmlish = fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 4 })), {
  maxLength: 40,
})
// A scheme then URL-ish pieces, so that a good share of the texts holds links.
const urlish = fc
  .tuple(fc.string({ maxLength: 3 }), fc.constantFrom('http://', 'https://', 'HTTP://', 'https:/'))
  .chain(([before, scheme]) =>
    fc.array(fc.constantFrom(...URL_PARTS), { maxLength: 12 }).map((t) => before + scheme + t.join('')),
  )
const text = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  htmlish.map((parts) => parts.join('')),
  fc.array(urlish, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('')),
)
// What a validator can be handed: form and query values (strings, arrays) or anything JSON.parse makes.
const edgeValues = fc.constantFrom(undefined, null, NaN, -0, Number.POSITIVE_INFINITY, 10n, true)
const input = fc.oneof(text, fc.anything({ maxDepth: 2 }), fc.array(fc.string()), edgeValues)
/** Strings of `min`–`max` pieces from `chars`, lengths spread evenly (fast-check's own favour short ones). */
const sized = (chars: string[], min: number, max: number) =>
  fc
    .integer({ min, max })
    .chain((n) => fc.array(fc.constantFrom(...chars), { minLength: n, maxLength: n }))
    .map((pieces) => pieces.join(''))
// Around a length limit, with blanks to trim (and collapse) and a letter outside ASCII.
const around = (n: number) => sized([...'ab Z9\t\n', 'é'], n - 5, n + 5)
const numberLiteral = fc
  .tuple(
    fc.constantFrom('', '-'),
    fc.stringMatching(/^\d{1,400}$/),
    fc.constantFrom('', '.0', '.5', 'e21', 'e400', 'E-3'),
  )
  .map((parts) => parts.join(''))

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" }
const decode = (html: string) => html.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ENTITIES[e] ?? '')
const codePoints = (s: string) => [...s].length

/** Runs `fn`: an `Invalid` is a fine answer, any other exception fails, and a value must pass `check`. */
function validOrInvalid<T>(fn: () => T, check: (value: T) => void): void {
  let value: T
  try {
    value = fn()
  } catch (err) {
    if (err instanceof Invalid) return
    throw err
  }
  check(value)
}

function assertShape(f: InFrame): void {
  const keys = {
    send: 'body,clientId,csrf,type',
    resume: 'lastSeq,type',
    read: 'seq,type',
    typing: 'type',
    invalid: 'reason,type',
  }[f.type]
  assert.equal(Object.keys(f).sort().join(), keys)
  if (f.type === 'send') assert.equal(typeof f.csrf, 'string')
  if (f.type === 'resume')
    assert.ok(Number.isSafeInteger(f.lastSeq) && f.lastSeq >= 0, `lastSeq ${f.lastSeq}`)
  if (f.type === 'read') assert.ok(Number.isSafeInteger(f.seq) && f.seq >= 0, `seq ${f.seq}`)
  if (f.type === 'invalid') assert.ok(typeof f.reason === 'string' && f.reason.length > 0)
}

/** The two frames our clients send must keep their meaning: a resume with a whole seq, and the composer's form. */
function assertMeaning(data: string, f: InFrame): void {
  const v = parseJson(data)
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    assert.equal(f.type, 'invalid')
    return
  }
  const keys = Object.keys(v)
  const seq = v.last_seq
  const wholeSeq = typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0
  if (v.type === 'resume' && wholeSeq && keys.every((k) => k === 'type' || k === 'last_seq'))
    assert.deepEqual(f, { type: 'resume', lastSeq: seq })
  if (keys.every((k) => ['body', 'client_id', '_csrf', 'headers'].includes(k))) {
    const csrf = typeof v._csrf === 'string' ? v._csrf : ''
    assert.deepEqual(f, { type: 'send', body: v.body, clientId: v.client_id, csrf })
  }
}

function parseJson(data: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(data)
  } catch {
    return undefined
  }
}

const jsonish = fc.oneof(text, fc.jsonValue({ maxDepth: 2 }))
const frameText = fc.oneof(
  text,
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.object({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
  fc
    .record({ body: jsonish, client_id: jsonish, _csrf: jsonish, headers: fc.object() }, { requiredKeys: [] })
    .map((v) => JSON.stringify(v)),
  fc.oneof(numberLiteral, fc.json()).map((n) => `{"type":"resume","last_seq":${n}}`),
  fc
    .record({
      type: fc.oneof(fc.constantFrom('resume', 'RESUME', 'send', 'boom', ''), jsonish),
      last_seq: jsonish,
    })
    .map((v) => JSON.stringify(v)),
  fc.nat({ max: 32_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
)

describe('parseFrame (fuzzed)', () => {
  it('never throws and returns one of the three frame shapes, meaning what was sent', () => {
    const property = fc.property(frameText, (data) => {
      const frame = parseFrame(data)
      assertShape(frame)
      assertMeaning(data, frame)
    })
    fc.assert(property, runs(4000))
  })
})

describe('validators (fuzzed)', () => {
  // `near` adds inputs around the rule's edges, so that both answers are well exercised.
  function holds<T>(
    fn: (raw: unknown) => T,
    check: (value: T, raw: unknown) => void,
    near: fc.Arbitrary<unknown>,
    base: fc.Arbitrary<unknown> = input,
  ) {
    const property = fc.property(fc.oneof(base, near), (raw) =>
      validOrInvalid(
        () => fn(raw),
        (v) => check(v, raw),
      ),
    )
    fc.assert(property, runs(3000))
  }

  const asText = (raw: unknown) => (typeof raw === 'string' ? raw : '')

  it('username: trimmed, 1–32 of [A-Za-z0-9_.-]', () => {
    holds(
      valid.username,
      (v, raw) => assert.ok(/^[A-Za-z0-9_.-]{1,32}$/.test(v) && v === asText(raw).trim(), v),
      fc
        .tuple(
          fc.constantFrom('', ' ', '\t'),
          sized([...'aZ9_.-'], 0, 35),
          fc.constantFrom('', ' ', 'é', ' x'),
        )
        .map((parts) => parts.join('')),
    )
  })

  it('password: the input itself, at least 8 characters and at most 1024 units', () => {
    holds(
      valid.password,
      (v, raw) => assert.ok(v === raw && codePoints(v) >= valid.MIN_PASSWORD && v.length <= 1024, v),
      fc.oneof(around(valid.MIN_PASSWORD), around(1024), sized(['😀', 'a'], 4, 9)),
    )
  })

  it('body: line endings normalised, trimmed, 1–4000 code points, no \\r', () => {
    const pads = fc.constantFrom('', ' \r\n', '\t')
    const chars = fc.constantFrom('x', '😀', 'é', '\r\n', 'a\r')
    const near = fc
      .tuple(pads, chars, fc.integer({ min: 3995, max: 4005 }))
      .map(([pad, ch, n]) => pad + ch.repeat(n) + pad)
    holds(
      valid.body,
      (v, raw) => {
        assert.equal(v, asText(raw).replace(/\r\n?/g, '\n').trim())
        assert.ok(
          !v.includes('\r') && v === v.trim() && codePoints(v) >= 1 && codePoints(v) <= valid.MAX_BODY,
        )
      },
      near,
    )
  })

  it('roomName: trimmed, inner blanks collapsed to one space, 1–60 characters', () => {
    holds(
      valid.roomName,
      (v, raw) =>
        assert.ok(v === asText(raw).trim().replace(/\s+/g, ' ') && v.length >= 1 && v.length <= 60, v),
      around(60),
    )
  })

  it('topic: trimmed, at most 200 characters (none is fine)', () => {
    holds(valid.topic, (v, raw) => assert.ok(v === asText(raw).trim() && v.length <= 200, v), around(200))
  })

  it('slugify: [a-z0-9] words joined by single dashes, at most 48', () => {
    // Typed `string`: it is only ever handed a validated room name.
    const slug = (raw: unknown) => valid.slugify(asText(raw))
    // Room-name-like text past 48 characters, so that the cut (and a dash left at it) is reached.
    const near = fc.oneof(text, sized([...'aZ9 é!-'], 40, 60))
    holds(slug, (v) => assert.ok(/^[a-z0-9]+(-[a-z0-9]+)*$/.test(v) && v.length <= 48, v), near)
  })

  const cursorRule = (v: number | undefined, raw: unknown) => {
    if (raw === undefined || raw === '') assert.equal(v, undefined)
    else assert.ok(v !== undefined && Number.isSafeInteger(v) && v >= 0, `cursor ${v}`)
  }

  it('cursor: undefined when absent, else a safe whole number ≥ 0', () => {
    // What a query string can hold: nothing, a string, or the same key repeated.
    const query = fc.oneof(fc.constantFrom(undefined, ''), text, fc.array(text, { maxLength: 3 }))
    const near = fc.oneof(numberLiteral, fc.integer().map(String), fc.double().map(String))
    holds(valid.cursor, cursorRule, near, query)
  })

  it('cursor: any other value is Invalid too, even one Number() cannot convert', () => {
    for (const raw of [{ toString: 0 }, Object.create(null), Symbol('x')])
      assert.throws(() => valid.cursor(raw), Invalid)
    holds(valid.cursor, cursorRule, fc.anything())
  })

  it('clientId: the input itself, 8–64 of [A-Za-z0-9_-]', () => {
    const near = fc.oneof(sized([...'aZ09_-'], 6, 66), sized([...'aZ09_-. '], 6, 66), fc.uuid())
    holds(valid.clientId, (v, raw) => assert.ok(v === raw && /^[A-Za-z0-9_-]{8,64}$/.test(v), v), near)
  })
})

// One link as linkify writes it: the href, then only rel/target attributes, the same URL as text, </a>.
const ANCHOR = /<a href="([^"]*)"((?: (?:rel|target)="[^"<>]*")*)>([^<]*)<\/a>/g

// One mention as linkify writes it: the lower-cased name, then "@name" as text.
const MENTION = /<span class="mention" data-user="([a-z0-9_.-]+)">@([A-Za-z0-9_.-]+)<\/span>/g

function assertEscapedText(html: string, original: string): void {
  assert.doesNotMatch(html, /[<>"']/, 'no raw markup characters outside the tags')
  assert.doesNotMatch(html, /&(?!(amp|lt|gt|quot|#39);)/, 'every & starts one of the five entities')
  assert.equal(decode(html), original)
}

describe('linkify and escapeHtml (fuzzed)', () => {
  it('escapeHtml escapes the five characters and changes nothing else', () => {
    fc.assert(
      fc.property(text, (s) => assertEscapedText(escapeHtml(s), s)),
      runs(5000),
    )
  })

  it('linkify adds only http(s) links, and removing them gives the text back', () => {
    const property = fc.property(text, (s) => {
      const html = linkify(s)
      for (const [, href = '', , label = ''] of html.matchAll(ANCHOR)) {
        assert.match(href, /^https?:\/\//i)
        assert.doesNotMatch(href, /[\s"<>]/)
        assert.doesNotMatch(decode(href), /[\s"<>]/, 'not even escaped')
        assert.equal(label, href)
      }
      for (const [, user = '', name = ''] of html.matchAll(MENTION)) assert.equal(user, name.toLowerCase())
      assertEscapedText(html.replace(ANCHOR, '$3').replace(MENTION, '@$2'), s)
    })
    fc.assert(property, runs(5000))
  })
})

const TEMPLATE_TAG = /^(<\/?(hx-partial|article|header|span|time|p|a)[\s>]|<!--seq \d+-->$)/
const int32 = fc.integer({ min: 1, max: 2 ** 31 - 1 })
const message: fc.Arbitrary<Message> = fc.record({
  id: int32,
  roomId: int32,
  seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  authorId: int32,
  author: text,
  body: fc.oneof(text, fc.string({ maxLength: valid.MAX_BODY, size: 'max' })),
  createdAt: fc.date({ noInvalidDate: true }),
})

describe('renderMessageFrame (fuzzed)', () => {
  it('renders one <article> in a #messages partial, with the user text escaped', () => {
    const property = fc.property(message, (m) => {
      const frame = renderMessageFrame(m)
      assert.ok(frame.startsWith(`<!--seq ${m.seq}--><hx-partial hx-target="#messages" hx-swap="beforeend">`))
      assert.ok(frame.trim().endsWith('</hx-partial>'))
      assert.equal(frame.split('<article').length, 2)
      assert.equal(frame.split('</article>').length, 2)
      assert.ok(frame.includes(`<span class="author">${escapeHtml(m.author)}</span>`))
      // Every "<" left opens a tag of the template's own: user text can neither open one nor add an on* handler.
      for (const [tag] of frame.matchAll(/<[^>]*>?/g)) {
        assert.match(tag, TEMPLATE_TAG)
        assert.doesNotMatch(tag, /\son\w+=|<script|<img/i)
      }
    })
    fc.assert(property, runs(2000))
  })
})
