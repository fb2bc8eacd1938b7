import { Router } from '@koa/router'
import { safeEqual } from '../auth/tokens.ts'
import { Forbidden } from '../chat/errors.ts'
import type { AppDeps, AppState } from './state.ts'

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/

/**
 * Prometheus metrics. They say how busy the install is, so they are not public: with METRICS_TOKEN a
 * scraper presents it as a bearer token; without, only this machine may read them.
 */
export function metricsRoutes(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>()
  router.get('/metrics', async (ctx) => {
    const token = deps.config.metricsToken
    const allowed = token ? safeEqual(ctx.get('Authorization'), `Bearer ${token}`) : LOOPBACK.test(ctx.ip)
    if (!allowed)
      throw new Forbidden('Metrics are not public: set METRICS_TOKEN and send it as a bearer token.')
    ctx.type = deps.metrics.contentType
    ctx.body = await deps.metrics.metrics()
  })
  return router
}
