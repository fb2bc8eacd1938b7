import { createHmac, randomBytes } from 'node:crypto'
import { safeEqual } from './tokens.ts'

/**
 * OWASP's device cookie: proof that this browser signed in to this account before. Guesses from browsers
 * without it share one budget per account, so guessing spread over many addresses stops there, while the
 * owner's own browsers keep getting in. `<user id>.<nonce>.<HMAC>`: nothing is stored, nothing secret inside.
 */
export function newDeviceToken(secret: string, userId: number): string {
  const nonce = randomBytes(12).toString('base64url')
  return `${userId}.${nonce}.${mac(secret, userId, nonce)}`
}

/** Whether `token` was made by newDeviceToken for this user. */
export function isDeviceOf(secret: string, token: string | undefined, userId: number): boolean {
  const [id, nonce, sig, ...rest] = (token ?? '').split('.')
  if (rest.length > 0 || id !== String(userId) || !nonce || !sig) return false
  return safeEqual(sig, mac(secret, userId, nonce))
}

function mac(secret: string, userId: number, nonce: string): string {
  return createHmac('sha256', secret).update(`device:${userId}.${nonce}`).digest('base64url')
}
