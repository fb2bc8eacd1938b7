import type { Config } from '../config.ts'
import type { Ctx } from './state.ts'

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
