import { isOutcomeUnknown as flaggedUnknown } from '../store/pg-errors.ts'

/** The closed set of domain errors. http/errors.ts maps each to a status in one place. */
export type FieldErrors = Record<string, string>

export abstract class DomainError extends Error {
  abstract readonly kind:
    | 'not-found'
    | 'forbidden'
    | 'invalid'
    | 'conflict'
    | 'unauthenticated'
    | 'rate-limited'
}

export class NotFound extends DomainError {
  readonly kind = 'not-found'
  constructor(what = 'That page') {
    super(`${what} does not exist.`)
  }
}

export class Forbidden extends DomainError {
  readonly kind = 'forbidden'
  constructor(message = 'You are not allowed to do that.') {
    super(message)
  }
}

export class Unauthenticated extends DomainError {
  readonly kind = 'unauthenticated'
  constructor(message = 'Please sign in.') {
    super(message)
  }
}

export class Conflict extends DomainError {
  readonly kind = 'conflict'
}

/** Too many requests: the message says when to try again. */
export class RateLimited extends DomainError {
  readonly kind = 'rate-limited'
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message)
  }
}

/** Bad input: a message per field, shown next to that field with the input kept. */
export class Invalid extends DomainError {
  readonly kind = 'invalid'
  constructor(readonly fields: FieldErrors) {
    super(Object.values(fields).join(' '))
  }
}

// Connection-level failures of the database (as opposed to a bad query): the store is away, try again later.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
  // A statement timeout (statement_timeout): the statement was cancelled and rolled back.
  '57014',
])
const UNAVAILABLE_TEXT =
  /Connection terminated|timeout exceeded when trying to connect|connection error|Client was closed|Query read timeout/i

/**
 * Whether an error means "the database cannot be reached right now" (so: 503, try again). Whether a write
 * under way was stored all the same is another question: isOutcomeUnknown.
 */
export function isStoreUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false
  const { code, message } = err as { code?: unknown; message?: unknown }
  return (
    (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) ||
    (typeof message === 'string' && UNAVAILABLE_TEXT.test(message))
  )
}

// Of those, the failures that leave nothing stored: the connection was never made, or the statement was
// cancelled (and so rolled back) by the server.
const NOT_STORED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', '57P03', '08001', '08004', '57014'])
const NOT_STORED_TEXT = /timeout exceeded when trying to connect/i

/**
 * Whether a write that failed with this error may have been stored all the same: the connection died
 * while the statement was under way, so it may have committed before its answer was lost. Only a retry
 * with the same key can tell, and it is safe (stored once). A refused connection never sent anything; a
 * cancelled statement was rolled back.
 */
export function isOutcomeUnknown(err: unknown): boolean {
  if (!isStoreUnavailable(err)) return false
  // The Postgres pool knows best where it can (store/pg-pool.ts): no answer to a statement outside a
  // transaction, or to its COMMIT, is unknown; a transaction that broke before its COMMIT is not stored.
  if (flaggedUnknown(err)) return true
  const { code, message } = err as { code?: unknown; message?: unknown }
  if (typeof message === 'string' && /the transaction was not committed/.test(message)) return false
  if (typeof code === 'string' && NOT_STORED_CODES.has(code)) return false
  return !(typeof message === 'string' && NOT_STORED_TEXT.test(message))
}
