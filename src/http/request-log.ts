import { randomUUID } from 'node:crypto'
import type Koa from 'koa'
import type { Logger } from '../log.ts'
import type { AppState } from './state.ts'

/** A reset link's token is a password in all but name: it never reaches the log. */
const SECRET_PATH = /^\/reset\/[^/]+/

/** One structured line per request. No cookies, no bodies: nothing secret reaches the log. */
export function requestLog(log: Logger): Koa.Middleware<AppState> {
  return async (ctx, next) => {
    const start = process.hrtime.bigint()
    ctx.state.reqId = randomUUID().slice(0, 8)
    try {
      await next()
    } finally {
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      log.info(
        {
          reqId: ctx.state.reqId,
          method: ctx.method,
          path: ctx.path.replace(SECRET_PATH, '/reset/[redacted]'),
          status: ctx.status,
          ms: Math.round(ms * 10) / 10,
          user: ctx.state.user?.id,
        },
        'request',
      )
    }
  }
}
