/**
 * Close codes htmx does not reconnect after (4xxx: "you may not be here"); public/chat.js tells the reader what
 * happened for each. 1012 (restarting) and 1011 (try again) are reconnected after.
 */
export const CLOSE = { signedOut: 4401, noAccess: 4403, roomGone: 4404 } as const
