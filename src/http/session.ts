import type Koa from 'koa'
import { cookieNames } from '../auth/cookie-names.ts'
import { csrfToken, newToken, safeEqual } from '../auth/tokens.ts'
import { sessionUser } from '../chat/accounts.ts'
import { Forbidden, Unauthenticated } from '../chat/errors.ts'
import type { User } from '../chat/types.ts'
import { setCookie } from './cookies.ts'
import { type AppDeps, type AppState, type Ctx, field } from './state.ts'

/**
 * Loads the signed-in user from the session cookie. Visitors get a random pre-session cookie instead, so
 * the sign-in and sign-up forms carry a CSRF token too. The token is an HMAC of the cookie: nothing stored.
 */
export function session(deps: AppDeps): Koa.Middleware<AppState> {
  const names = cookieNames(deps.config)
  return async (ctx, next) => {
    const token = ctx.cookies.get(names.session)
    const user = token ? await sessionUser(deps.db, token, deps.clock) : undefined
    if (user && token) {
      ctx.state.user = user
      ctx.state.sessionToken = token
      ctx.state.csrf = csrfToken(deps.secret, token)
    } else {
      if (token) setCookie(ctx, deps.config, names.session, null)
      let visitor = ctx.cookies.get(names.visitor)
      if (visitor?.length !== 43) {
        visitor = newToken()
        setCookie(ctx, deps.config, names.visitor, visitor)
      }
      ctx.state.csrf = csrfToken(deps.secret, visitor)
    }
    await next()
  }
}

/**
 * Every state-changing request must carry the token: the form's `_csrf`, or (for htmx requests from links,
 * which have no form) the X-CSRF-Token header public/chat.js adds from the page's meta tag.
 */
export function csrf(): Koa.Middleware<AppState> {
  return async (ctx, next) => {
    const sent = field(ctx, '_csrf') || ctx.get('X-CSRF-Token')
    if (!['GET', 'HEAD', 'OPTIONS'].includes(ctx.method) && !safeEqual(sent, ctx.state.csrf)) {
      throw new Forbidden('This form has expired. Go back, reload the page and try again.')
    }
    await next()
  }
}

/** Where to go after signing in: a local path only, never another site. */
export function safeNext(raw: unknown): string {
  return typeof raw === 'string' && /^\/(?![/\\])/.test(raw) ? raw : '/'
}

/** The signed-in user; signed-out visitors are sent to sign in by the error boundary. */
export function requireUser(ctx: Ctx): User {
  if (!ctx.state.user) throw new Unauthenticated()
  return ctx.state.user
}
