import type { Config } from '../config.ts'

// With Secure cookies the __Host- prefix also pins them to this host and path "/".
export function cookieNames(config: Config) {
  const prefix = config.secureCookies ? '__Host-' : ''
  return {
    session: `${prefix}parley_session`,
    visitor: `${prefix}parley_visitor`,
    device: `${prefix}parley_device`,
  }
}
