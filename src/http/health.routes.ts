import { Router } from '@koa/router'
import type { AppDeps, AppState } from './state.ts'

/**
 * 503 when the database is unreachable: this node can do nothing useful. Without the bus it still stores and
 * serves messages (other nodes' pages catch up when it is back), so that is 200, "degraded". The database
 * check is a `SELECT 1` bounded in time (a silent database is unreachable, not "ok"), asked at most once a
 * second however often this is polled (see the Postgres store's health check, pg-store.ts).
 */
export function healthRoutes(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>()
  router.get('/healthz', async (ctx) => {
    const health = await deps.health()
    ctx.status = health.db ? 200 : 503
    ctx.body = {
      status: !health.db ? 'unavailable' : health.bus ? 'ok' : 'degraded',
      ...(health.db ? {} : { error: 'database unreachable' }),
      ...health,
    }
  })
  return router
}
