import { Router } from '@koa/router'
import { Invalid } from '../chat/errors.ts'
import { redeemResetLink, resetLinkUser } from '../chat/resets.ts'
import { renderResetPage } from '../render/admin.ts'
import { type AppDeps, type AppState, field, viewer } from './state.ts'

/** /reset/<token>: a one-time link an admin issued; the person chooses a new password, then signs in. */
export function resetRoutes(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>()

  router.get('/reset/:token', async (ctx) => {
    const token = ctx.params.token ?? ''
    const person = await resetLinkUser(deps.db, token, deps.clock)
    ctx.set('Referrer-Policy', 'no-referrer')
    ctx.body = renderResetPage({ viewer: viewer(ctx), username: person.username, token })
  })

  router.post('/reset/:token', async (ctx) => {
    const token = ctx.params.token ?? ''
    const person = await resetLinkUser(deps.db, token, deps.clock)
    try {
      await redeemResetLink(deps, token, field(ctx, 'password'))
      ctx.status = 303
      ctx.redirect(`/login?reset=1&username=${encodeURIComponent(person.username)}`)
    } catch (err) {
      if (!(err instanceof Invalid)) throw err
      ctx.status = 422
      ctx.body = renderResetPage({
        viewer: viewer(ctx),
        username: person.username,
        token,
        errors: err.fields,
      })
    }
  })

  return router
}
