/**
 * The @mention grammar by example (src/mentions.ts): each text and the names it mentions, lower-cased, in order.
 * The unit test checks the JS definition against it; the integration test checks the Postgres pattern against
 * the same texts.
 */
const A32 = 'a'.repeat(32)

export const MENTION_CASES: Array<[text: string, names: string[]]> = [
  ['hello @bob', ['bob']],
  ['@bob at the start', ['bob']],
  ['no mention here', []],
  // Not after a name character: addresses are not mentions.
  ['a@b.com', []],
  ['mail ann@example.org', []],
  ['bob_@ann', []],
  ['bob.@ann', []],
  // A sentence's punctuation ends the name; a final "." or "-" is not part of it.
  ['@bob.', ['bob']],
  ['@bob,', ['bob']],
  ["@bob's turn", ['bob']],
  ['@bob!?', ['bob']],
  ['@bob: hi', ['bob']],
  ['@bob...', ['bob']],
  ['@bob-', ['bob']],
  ['@bob.-', ['bob']],
  ['@...', []],
  ['@', []],
  ['@ bob', []],
  // Inside a name, dots, dashes and underscores belong to it.
  ['@j.doe', ['j.doe']],
  ['@j.doe.', ['j.doe']],
  ['@mary-jane', ['mary-jane']],
  ['@a_b', ['a_b']],
  ['@bob.-x', ['bob.-x']],
  ['@.bob', ['.bob']],
  ['@_', ['_']],
  ['@123', ['123']],
  // Case: any, named lower-cased, each once.
  ['@BoB', ['bob']],
  ['@bob @BOB @Bob', ['bob']],
  // Around brackets and other mentions.
  ['(@bob)', ['bob']],
  ['[@bob]', ['bob']],
  ['"@bob"', ['bob']],
  ['@ann,@bob', ['ann', 'bob']],
  ['@ann @bob', ['ann', 'bob']],
  ['@ann@bob', ['ann']],
  ['@@bob', ['bob']],
  ['x@@bob', ['bob']],
  ['hi\n@bob', ['bob']],
  ['hi\t@bob', ['bob']],
  // The 32-character limit: longer runs are cut at 32 (then lose a final "." or "-").
  [`@${A32}`, [A32]],
  [`@${A32}b`, [A32]],
  [`@${'b'.repeat(31)}.x`, [`${'b'.repeat(31)}`]],
  [`@${A32}.`, [A32]],
  // Unicode neighbours: only ASCII letters are name characters.
  ['é@bob', ['bob']],
  ['日本@bob', ['bob']],
  ['👋@bob', ['bob']],
  ['@bobé', ['bob']],
  ['@bøb', ['b']],
  ['@bob\u200B', ['bob']],
  ['@bobe\u0301', ['bobe']],
  ['\u00a0@bob\u00a0', ['bob']],
  ['＠bob', []],
  ['@\u212Aim', []],
  ['@ıan', []],
  ['@\u0130an', []],
]

/** Usernames the Postgres pattern is tried with on every text above (plus every name the table expects). */
export const CANDIDATES = [
  'bob',
  'BOB',
  'bo',
  'b',
  'ann',
  'kim',
  'an',
  'j.doe',
  'j',
  'ian',
  'bob.',
  'bob-',
  A32,
  'a',
]
