/** Postgres (and PGlite) report a unique-constraint violation with SQLSTATE 23505. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505'
}

/** The statement's data was refused (SQLSTATE classes 22 and 23, e.g. a NUL in text, a duplicate key). */
export function isDataError(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'))
}
