import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import * as valid from '../../src/chat/validate.ts'
import { MAX_NAME, mentionedNames, mentionsIn, NAME_CHAR, typedMention } from '../../src/mentions.ts'
import { linkify } from '../../src/render/linkify.ts'
import { MENTION_CASES } from '../support/mention-cases.ts'

const highlighted = (html: string) => [
  ...html.matchAll(/<span class="mention" data-user="([^"]*)">@([^<]*)<\/span>/g),
]

describe('the @mention grammar (src/mentions.ts), by example', () => {
  for (const [text, names] of MENTION_CASES) {
    it(`${JSON.stringify(text)} mentions ${JSON.stringify(names)}`, () => {
      assert.deepEqual(mentionedNames(text), names)
      // The highlighting marks the same names, as written, each where its "@" is.
      const marks = highlighted(linkify(text))
      assert.deepEqual([...new Set(marks.map((m) => m[1]))], names)
      for (const m of marks) assert.equal(m[1], (m[2] as string).toLowerCase())
      for (const { at, name } of mentionsIn(text))
        assert.equal(text.slice(at, at + 1 + name.length), `@${name}`)
    })
  }

  it('a mentioned name is a username, and every username is mentioned by "@" and itself', () => {
    for (const [text] of MENTION_CASES)
      for (const name of mentionedNames(text)) assert.ok(valid.isUsername(name), `${name} from ${text}`)
    const username = fc.stringMatching(new RegExp(`^${NAME_CHAR}{1,${MAX_NAME}}$`))
    fc.assert(
      fc.property(username, fc.constantFrom('', ' ', '.', ',', '!', ')', '\n'), (name, after) => {
        assert.ok(valid.isUsername(name))
        // A name that ends in "." or "-" loses it (a sentence's punctuation); nothing else changes.
        const said = name.replace(/[.-]+$/, '')
        assert.deepEqual(mentionedNames(`hi @${name}${after}`), said ? [said.toLowerCase()] : [])
      }),
    )
  })

  it('the validator takes exactly the usernames the grammar describes', () => {
    const cases = [
      'a',
      'A_b.c-d',
      'a'.repeat(32),
      'a'.repeat(33),
      '',
      'bob!',
      'bøb',
      'a b',
      '@bob',
      '\u212Aim',
    ]
    for (const name of cases) {
      const ok =
        name.length >= 1 && name.length <= MAX_NAME && [...name].every((c) => /^[A-Za-z0-9_.-]$/.test(c))
      assert.equal(valid.isUsername(name), ok, name)
    }
  })
})

describe('the "@prefix" being typed at the end of a draft (for suggestions)', () => {
  const cases: Array<[draft: string, prefix: string | undefined]> = [
    ['hello @an', 'an'],
    ['@ANNA', 'ANNA'],
    ['@', ''],
    ['a\n@b', 'b'],
    ['(@an', 'an'],
    ['@an.', 'an.'],
    ['@j.do', 'j.do'],
    [`@${'a'.repeat(32)}`, 'a'.repeat(32)],
    [`@${'a'.repeat(33)}`, undefined],
    ['mail a@b', undefined],
    ['x@', undefined],
    ['@an ', undefined],
    ['@an,', undefined],
    ['@bob @an', 'an'],
    ['é@an', 'an'],
    ['', undefined],
  ]
  for (const [draft, prefix] of cases)
    it(`${JSON.stringify(draft)} → ${JSON.stringify(prefix)}`, () =>
      assert.equal(typedMention(draft), prefix))

  it('is a mention being typed: the draft plus a space mentions it (when it is a name)', () => {
    for (const [draft, prefix] of cases) {
      if (!prefix || /[.-]$/.test(prefix)) continue
      assert.ok(mentionedNames(`${draft} `).includes(prefix.toLowerCase()), draft)
    }
  })
})
