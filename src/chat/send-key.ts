import { createHash } from 'node:crypto'

/**
 * The key a message is stored under (messages.client_id), made from who sent it, the key their page gave
 * the send, and the text. Stripe's rule for idempotency keys: the same key means "retry" only for the same
 * request. So a retry (same author, key and text) finds the stored message and is stored once; the same
 * key with another text (a page that reused its key) is a new message, never dropped; and nobody can
 * claim, or even find, another person's message by sending their key.
 */
export function storedKey(authorId: number, sendKey: string, body: string): string {
  return createHash('sha256').update(`${authorId}\n${sendKey}\n${body}`).digest('base64url')
}
