import { bodyParser } from '@koa/bodyparser'
import Koa from 'koa'
import { adminPeopleRoutes } from './http/admin-people.routes.ts'
import { adminRoomRoutes } from './http/admin-rooms.routes.ts'
import { authRoutes } from './http/auth.routes.ts'
import { clientAddressFrom, koaProxyOptions } from './http/client-address.ts'
import { errorBoundary } from './http/errors.ts'
import { healthRoutes } from './http/health.routes.ts'
import { meRoutes } from './http/me.routes.ts'
import { messageRoutes, unsentPosts } from './http/messages.routes.ts'
import { metricsRoutes } from './http/metrics.routes.ts'
import { moderationRoutes } from './http/moderation.routes.ts'
import { requestLog } from './http/request-log.ts'
import { resetRoutes } from './http/reset.routes.ts'
import { roomRoutes } from './http/rooms.routes.ts'
import { searchRoutes } from './http/search.routes.ts'
import { securityHeaders } from './http/security-headers.ts'
import { csrf, session } from './http/session.ts'
import type { AppDeps, AppState } from './http/state.ts'
import { serveStatic } from './http/static.ts'

/** The Koa app, built from its dependencies: no listening, no globals. */
export function createApp(deps: AppDeps): Koa<AppState> {
  // Behind a proxy, the client is the entry our proxies vouch for (TRUST_PROXY), never one a client wrote.
  const app = new Koa<AppState>(koaProxyOptions(deps.config.trustProxy))
  app.silent = true // errors are logged by the boundary, once
  app.use(clientAddressFrom(deps.config.trustProxy))
  app.use(requestLog(deps.log))
  app.use(securityHeaders())
  app.use(errorBoundary(deps.log))
  app.use(serveStatic())
  for (const routes of [healthRoutes(deps), metricsRoutes(deps)]) app.use(routes.routes())
  app.use(bodyParser({ enableTypes: ['form'], formLimit: '64kb', encoding: 'utf-8' }))
  // Before the session: with the database away, reading the session fails too, and the post is still answered.
  app.use(unsentPosts(deps.log).routes())
  app.use(session(deps))
  app.use(csrf())
  const routers = [
    authRoutes(deps),
    resetRoutes(deps),
    meRoutes(),
    roomRoutes(deps),
    messageRoutes(deps),
    moderationRoutes(deps),
    searchRoutes(deps),
    adminRoomRoutes(deps),
    adminPeopleRoutes(deps),
  ]
  for (const routes of routers) {
    app.use(routes.routes()).use(routes.allowedMethods())
  }
  return app
}
