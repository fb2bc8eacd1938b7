import type Koa from 'koa'
import { DomainError, isStoreUnavailable, NotFound } from '../chat/errors.ts'
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
  'rate-limited': 429,
}

/**
 * Input that got past validation but not past the parser or the database: a body that is not the gzip (or
 * deflate, br) it is labelled, or a value Postgres refuses (in class 22: a NUL, a number out of range). A clear
 * 400, never a 500 (nothing was changed: the statement failed); the route's validation should have said it.
 */
// Class 22 codes that input causes (bad text, a NUL, a number or string too big, a bad date); the others in the
// class (division by zero …) are our bugs and stay 500s.
const INPUT_DATA_CODES = new Set(['22P02', '22P05', '22021', '22003', '22001', '22007', '22008'])

function undecodable(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code
  if (typeof code !== 'string') return undefined
  if (code.startsWith('Z_') || code.startsWith('ERR__') || code === 'ERR_BROTLI_DECOMPRESSION_FAILED')
    return 'The request body is not encoded as its Content-Encoding says.'
  if (INPUT_DATA_CODES.has(code))
    return 'A value in this request is malformed or out of range (a NUL character, say).'
  return undefined
}

export function statusOf(err: unknown): number {
  if (err instanceof DomainError) return STATUS[err.kind]
  if (undecodable(err)) return 400
  if (isStoreUnavailable(err)) return 503
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
      const bad = undecodable(err)
      if (bad) log.warn({ err, reqId: ctx.state.reqId }, 'refused input that validation let through')
      const message =
        status >= 500
          ? `Something went wrong on our side. Please try again (reference ${ctx.state.reqId}).`
          : (bad ?? (err as Error).message)
      ctx.status = status
      ctx.type = 'html'
      // An htmx request's error goes to the page's notice line, never in place of what was clicked.
      if (isFragmentRequest(ctx)) ctx.set({ 'HX-Retarget': '#notice', 'HX-Reswap': 'innerHTML' })
      ctx.body = isFragmentRequest(ctx)
        ? `<p class="error" role="alert">${escapeHtml(message)}</p>`
        : renderErrorPage({ viewer: viewer(ctx), status, message })
    }
  }
}
