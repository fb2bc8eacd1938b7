import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { describe, it } from 'node:test'
import { MAX_NAME, NAME_CHAR, typedMention } from '../../src/mentions.ts'

/**
 * What cannot import src/mentions.ts is checked against it here: the browser's composer (public/compose.js
 * replaces the "@prefix" being typed with the picked name) and the username fields' maxlength.
 */

/** The regex literal compose.js replaces the typed "@prefix" with (the one in `el.value.replace(…)`). */
async function composerPattern(): Promise<RegExp> {
  const js = await readFile('public/compose.js', 'utf8')
  const found = [...js.matchAll(/\.value\.replace\(\/((?:[^/\\\n]|\\.)+)\/([a-z]*),/g)]
  assert.equal(found.length, 1, 'compose.js replaces the typed "@prefix" in one place')
  const [, source = '', flags = ''] = found[0] as RegExpMatchArray
  return new RegExp(source, flags)
}

const nameChar = new RegExp(`^${NAME_CHAR}$`, 'u')

describe('public/compose.js agrees with the @mention grammar', () => {
  it('takes exactly the name characters after "@" (every UTF-16 unit and a few beyond)', async () => {
    const pattern = await composerPattern()
    const units = Array.from({ length: 0x10000 }, (_, c) => String.fromCharCode(c))
    for (const c of [...units, '😀', '𝐚', '\u{E0061}']) {
      const takes = pattern.exec(`@${c}`)?.[0] === `@${c}`
      assert.equal(takes, nameChar.test(c), `U+${(c.codePointAt(0) as number).toString(16)}`)
    }
  })

  it('replaces the same "@prefix" the server suggests names for', async () => {
    const pattern = await composerPattern()
    const drafts = [
      'hello @an',
      '@',
      'a\n@b',
      '(@an',
      '@an.',
      '@j.do',
      `@${'a'.repeat(MAX_NAME)}`,
      '@bob @an',
      'é@an',
    ]
    for (const draft of drafts) {
      const prefix = typedMention(draft)
      assert.notEqual(prefix, undefined, `the server suggests for ${JSON.stringify(draft)}`)
      const m = pattern.exec(draft)
      assert.equal(m?.index, draft.length - (prefix as string).length - 1, draft)
      assert.equal(m?.[0], `@${prefix}`, draft)
    }
  })
})

describe('the username fields agree with the grammar', () => {
  for (const view of ['views/auth/signup.eta', 'views/admin/room.eta'])
    it(`${view} allows at most ${MAX_NAME} characters`, async () => {
      const field = (await readFile(view, 'utf8')).split('\n').find((l) => l.includes("name: 'username'"))
      assert.match(field ?? '', new RegExp(`maxlength="${MAX_NAME}"`))
    })
})
