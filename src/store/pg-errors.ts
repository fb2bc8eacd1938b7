/** Postgres (and PGlite) report a unique-constraint violation with SQLSTATE 23505. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505'
}

/** The statement's data was refused (SQLSTATE classes 22 and 23, e.g. a NUL in text, a duplicate key). */
export function isDataError(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'))
}

/**
 * A statement was sent but its answer never came (the client-side query timeout fired, or the connection broke
 * while it ran): it may or may not have been applied. Only a retry that is safe to repeat (a message with the
 * same client id: stored once) can settle it. Its code is a connection failure's, so anything that does not
 * know about unknown outcomes still treats it as "database unreachable" (503).
 */
export class OutcomeUnknown extends Error {
  readonly code = '08006'
  readonly outcomeUnknown = true
  constructor(why: string, options?: { cause?: unknown }) {
    super(`${why}: the statement may or may not have been applied`, options)
    this.name = 'OutcomeUnknown'
  }
}

/** Whether a write failed in a way that leaves its outcome unknown (see OutcomeUnknown), anywhere in its causes. */
export function isOutcomeUnknown(err: unknown): boolean {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    if ((e as { outcomeUnknown?: unknown }).outcomeUnknown === true) return true
    e = (e as { cause?: unknown }).cause
  }
  return false
}
