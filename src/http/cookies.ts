import type { Config } from '../config.ts'
import type { Ctx } from './state.ts'

// With Secure cookies the __Host- prefix also pins them to this host and path "/".
export function cookieNames(config: Config) {
  const prefix = config.secureCookies ? '__Host-' : ''
  return { session: `${prefix}parley_session`, visitor: `${prefix}parley_visitor` }
}

export function setCookie(
  ctx: Ctx,
  config: Config,
  name: string,
  value: string | null,
  expires?: Date,
): void {
  ctx.cookies.set(name, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.secureCookies,
    path: '/',
    overwrite: true,
    signed: false,
    ...(expires ? { expires } : {}),
  })
}
