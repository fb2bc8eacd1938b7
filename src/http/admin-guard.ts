import type Koa from 'koa'
import { requireAdmin } from '../chat/admin.ts'
import { requireUser } from './session.ts'
import type { AppState } from './state.ts'

/** Every /admin route: signed-out visitors are sent to sign in (by the boundary), members get 403. */
export function adminOnly(): Koa.Middleware<AppState> {
  return async (ctx, next) => {
    requireAdmin(requireUser(ctx))
    await next()
  }
}

/** After an htmx request (a link with hx-post), go to `url` as a whole page; after a plain form, 303 there. */
export function done(ctx: Koa.ParameterizedContext<AppState>, url: string): void {
  if (ctx.get('HX-Request') === 'true') {
    ctx.set('HX-Redirect', url)
    ctx.status = 204
    return
  }
  ctx.status = 303
  ctx.redirect(url)
}
