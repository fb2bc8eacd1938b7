import type Koa from 'koa'
import { DomainError, NotFound } from '../chat/errors.ts'
import type { Logger } from '../log.ts'
import { escapeHtml } from '../render/linkify.ts'
import { renderErrorPage } from '../render/pages.ts'
import { type AppState, type Ctx, viewer } from './state.ts'

/** The one place a domain error becomes an HTTP status. */
const STATUS: Record<DomainError['kind'], number> = {
  'not-found': 404,
  forbidden: 403,
  invalid: 422,
  conflict: 409,
  unauthenticated: 401,
}

export function statusOf(err: unknown): number {
  if (err instanceof DomainError) return STATUS[err.kind]
  const status = (err as { status?: unknown; expose?: unknown })?.status
  // Koa and its body parser mark client errors (413, 415, 400 …) as safe to show.
  if (typeof status === 'number' && status >= 400 && status < 500) return status
  return 500
}

export function isFragmentRequest(ctx: Ctx): boolean {
  return ctx.get('HX-Request') === 'true' && ctx.get('HX-Boosted') !== 'true'
}

/** Turns any error into a page or an htmx fragment: 4xx say what was wrong, 5xx are logged and never shown. */
export function errorBoundary(log: Logger): Koa.Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next()
      if (ctx.status === 404 && ctx.body === undefined) throw new NotFound()
    } catch (err) {
      const status = statusOf(err)
      if (status === 401 && ctx.method === 'GET' && !isFragmentRequest(ctx)) {
        ctx.redirect(`/login?next=${encodeURIComponent(ctx.originalUrl)}`)
        return
      }
      if (status >= 500) log.error({ err, reqId: ctx.state.reqId }, 'request failed')
      const message =
        status >= 500
          ? `Something went wrong on our side. Please try again (reference ${ctx.state.reqId}).`
          : (err as Error).message
      ctx.status = status
      ctx.type = 'html'
      ctx.body = isFragmentRequest(ctx)
        ? `<p class="error" role="alert">${escapeHtml(message)}</p>`
        : renderErrorPage({ viewer: viewer(ctx), status, message })
    }
  }
}
