import type { Rules } from '../chat/limits.ts'
import type { Config } from '../config.ts'

/** The configured limits as token buckets: e.g. 10 messages per 10 s with bursts of 5; 10 sign-ins per 15 min. */
export function rulesFrom(config: Config): Rules {
  const { messageBurst, messagesPer10s, loginsPer15m } = config.limits
  return {
    message: { capacity: messageBurst, perSecond: messagesPer10s / 10 },
    login: { capacity: loginsPer15m, perSecond: loginsPer15m / 900 },
  }
}
