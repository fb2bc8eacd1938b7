import type { Logger } from '../log.ts'
import type { OnDrop } from './wire-types.ts'

/** Past this many distinct versions and kinds warned of, the rest go to debug too: the set stays bounded. */
const REMEMBERED = 100

/**
 * How a node reports the payloads it drops. During a rolling restart the older nodes hear every message of
 * the newer ones, so a newer version or an unknown kind is warned of once (then logged at debug), whereas a
 * malformed payload, which no release sends, is warned of every time.
 * `dropWarner(log)` is made once per subscriber; `.at(where)` once per topic, naming it in each line.
 */
export function dropWarner(log: Logger): { at(where: Record<string, unknown>): OnDrop } {
  const warned = new Set<string>()
  return {
    at: (where) => (reason, detail) => {
      const key = `${reason} ${detail}`
      const news = reason !== 'malformed' && !warned.has(key) && warned.size < REMEMBERED
      if (news) warned.add(key)
      log[news || reason === 'malformed' ? 'warn' : 'debug'](
        { ...where, reason, detail },
        'bus payload dropped',
      )
    },
  }
}
