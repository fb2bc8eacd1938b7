import { createHmac, randomBytes } from 'node:crypto'
import { safeEqual } from './tokens.ts'

/** How long a device cookie counts (the cookie itself is kept as long). */
export const DEVICE_MAX_AGE_MS = 365 * 86_400_000

/**
 * OWASP's device cookie: proof that this browser signed in to this account before. Guesses from browsers
 * without it share one budget per account, so guessing spread over many addresses stops there, while the
 * owner's own browsers keep getting in (each with a budget of its own). `<user id>.<issued at>.<nonce>.<HMAC>`:
 * nothing is stored. The HMAC also covers the account's password hash, so a new password (a reset after a
 * compromise, say) voids every device cookie made before it. `now` is the caller's clock (ms since the epoch).
 */
export function newDeviceToken(secret: string, userId: number, passwordHash: string, now: number): string {
  const nonce = randomBytes(12).toString('base64url')
  return `${userId}.${now}.${nonce}.${mac(secret, `${userId}.${now}.${nonce}`, passwordHash)}`
}

/** The nonce of `token` if it is a live device cookie of this user with this password, else undefined. */
export function deviceNonce(
  secret: string,
  token: string | undefined,
  user: { id: number; passwordHash: string },
  now: number,
): string | undefined {
  const [id, issued, nonce, sig, ...rest] = (token ?? '').split('.')
  if (rest.length > 0 || id !== String(user.id) || !issued || !nonce || !sig) return undefined
  const at = Number(issued)
  if (!Number.isSafeInteger(at) || at > now || now - at > DEVICE_MAX_AGE_MS) return undefined
  return safeEqual(sig, mac(secret, `${id}.${issued}.${nonce}`, user.passwordHash)) ? nonce : undefined
}

function mac(secret: string, value: string, passwordHash: string): string {
  return createHmac('sha256', secret).update(`device:${value}:${passwordHash}`).digest('base64url')
}
