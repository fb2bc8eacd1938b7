import { Router } from '@koa/router'
import type { AppDeps, AppState } from './state.ts'

export function healthRoutes(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>()
  router.get('/healthz', async (ctx) => {
    const health = await deps.health()
    ctx.status = health.db && health.bus ? 200 : 503
    ctx.body = { status: ctx.status === 200 ? 'ok' : 'unavailable', ...health }
  })
  return router
}
