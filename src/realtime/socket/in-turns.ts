/** Items handled in one turn of the event loop by `inTurns`. */
export const TURN_SIZE = 100

/**
 * Calls `fn` for every item, TURN_SIZE items per turn of the event loop: a pass over thousands of sockets
 * (badges, pings) never holds up the messages arriving meanwhile for more than a moment.
 */
export function inTurns<T>(items: readonly T[], fn: (item: T) => void): void {
  const chunk = (from: number) => {
    const to = Math.min(from + TURN_SIZE, items.length)
    for (let i = from; i < to; i++) fn(items[i] as T)
    if (to < items.length) setImmediate(chunk, to)
  }
  chunk(0)
}
