import type { Rules } from '../chat/limits.ts'
import type { Config } from '../config.ts'

/**
 * The configured limits. Messages: bursts of MESSAGE_BURST, MESSAGES_PER_10S on average; edits alike, in a
 * bucket of their own. Everything about accounts scales with LOGINS_PER_15M (default 10):
 * - per address, over all accounts: that many sign-in attempts per 15 min;
 * - per account and address: half of it at once, then delays from 15 min / LOGINS_PER_15M (90 s), doubling
 *   up to an hour, forgotten after a day or at the next successful sign-in. No lockout: the owner, from
 *   another address, still gets in;
 * - per account, from browsers without its device cookie: five times that at once, then as many per hour
 *   (guessing spread over many addresses stops there; the owner's browsers are not counted);
 * - sign-ups per address: half of it at once, then that many per hour (each one costs an Argon2id hash).
 */
export function rulesFrom(config: Config): Rules {
  const { messageBurst, messagesPer10s, loginsPer15m } = config.limits
  const message = { capacity: messageBurst, perSecond: messagesPer10s / 10 }
  const half = Math.max(1, Math.ceil(loginsPer15m / 2))
  return {
    message,
    edit: { ...message },
    login: { capacity: loginsPer15m, perSecond: loginsPer15m / 900 },
    loginPair: {
      free: half,
      firstDelayMs: Math.ceil(900_000 / loginsPer15m),
      maxDelayMs: 3_600_000,
      forgetMs: 86_400_000,
    },
    loginAccount: { capacity: loginsPer15m * 5, perSecond: (loginsPer15m * 5) / 3600 },
    signup: { capacity: half, perSecond: loginsPer15m / 3600 },
  }
}
