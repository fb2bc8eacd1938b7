/** The closed set of domain errors. http/errors.ts maps each to a status in one place. */
export type FieldErrors = Record<string, string>

export abstract class DomainError extends Error {
  abstract readonly kind: 'not-found' | 'forbidden' | 'invalid' | 'conflict' | 'unauthenticated'
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

/** Bad input: a message per field, shown next to that field with the input kept. */
export class Invalid extends DomainError {
  readonly kind = 'invalid'
  constructor(readonly fields: FieldErrors) {
    super(Object.values(fields).join(' '))
  }
}
