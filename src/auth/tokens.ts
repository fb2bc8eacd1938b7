import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'

/** A 256-bit random token for a session cookie. */
export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

/** What the database keeps of a session token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** An idempotency key for one composer: a retried send with it stores the message once. */
export function newClientId(): string {
  return randomUUID()
}

/** The CSRF token bound to a cookie value (a session token, or a visitor's pre-session token). */
export function csrfToken(secret: string, cookieValue: string): string {
  return createHmac('sha256', secret).update(`csrf:${cookieValue}`).digest('base64url')
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
