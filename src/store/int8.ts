import pg from 'pg'

/**
 * bigint columns (message ids, room seqs, read marks) are read as JS numbers, so the code keeps `number`
 * everywhere. node-pg would give strings, PGlite numbers that silently lose digits past 2^53; both get this
 * parser instead, which is exact up to 2^53 and fails loudly beyond (decades away at any real rate).
 */
export const INT8 = 20
const INT8_ARRAY = 1016

export function parseInt8(text: string): number {
  const n = Number(text)
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${text} is too large for a JS number`)
  return n
}

// node-pg's declared overloads know only the built-in scalar type ids, not array ones such as 1016.
const defaultParser = pg.types.getTypeParser as (oid: number, format: string) => (value: string) => unknown

type Nested = string | null | Nested[]
const deep = (v: Nested): unknown => (Array.isArray(v) ? v.map(deep) : v === null ? null : parseInt8(v))

/** node-pg's `types` option: int8 and int8[] as numbers, every other type as node-pg parses it. */
export const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (format !== 'binary' && oid === INT8) return parseInt8
    if (format !== 'binary' && oid === INT8_ARRAY) {
      const strings = defaultParser(INT8_ARRAY, 'text') as (value: string) => Nested
      return (value: string) => deep(strings(value))
    }
    return defaultParser(oid, format ?? 'text')
  },
}

/** PGlite's `parsers` option (its arrays use the element's parser). */
export const pgliteParsers = { [INT8]: parseInt8 }
