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
])
const UNAVAILABLE_TEXT =
  /Connection terminated|timeout exceeded when trying to connect|connection error|Client was closed/i

/** Whether an error means "the database cannot be reached right now" (so: 503, and nothing was stored). */
export function isStoreUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false
  const { code, message } = err as { code?: unknown; message?: unknown }
  return (
    (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) ||
    (typeof message === 'string' && UNAVAILABLE_TEXT.test(message))
  )
}

/** The text to show next to the composer for an error the sender can act on (bad input, too fast, archived), else undefined. */
export function composerError(err: unknown): string | undefined {
  if (err instanceof Invalid) return Object.values(err.fields).join(' ')
  if (err instanceof RateLimited || err instanceof Forbidden) return err.message
  return undefined
}
