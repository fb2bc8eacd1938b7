import { Router } from '@koa/router'
import { composerAnswer } from '../chat/composer-answer.ts'
import { history } from '../chat/messages.ts'
import { postMessage } from '../chat/post-message.ts'
import { readableRoom } from '../chat/rooms.ts'
import { isClientId, isSlug } from '../chat/validate.ts'
import type { Logger } from '../log.ts'
import { ids } from '../render/dom-ids.ts'
import { renderHistoryFragment, renderUnsentPage } from '../render/pages.ts'
import { pageView } from '../render/view-models.ts'
import { isFragmentRequest, statusOf } from './errors.ts'
import { showRoom } from './rooms.routes.ts'
import { requireUser } from './session.ts'
import { type AppDeps, type AppState, type Ctx, field } from './state.ts'

/** A room's messages: the composer posts here, and history pages are read from here. */
const MESSAGES = '/rooms/:slug/messages'

/** What a no-JS post sent: the composer's answers are about these. */
const posted = (ctx: Ctx) => ({ body: field(ctx, 'body'), clientId: field(ctx, 'client_id') })

export function messageRoutes(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>()

  // The no-JS (and socket-down) path: the composer posts here, then the room page shows the message.
  // (The database away is answered by unsentPosts, around this and the session it needs.)
  router.post(MESSAGES, async (ctx) => {
    const user = requireUser(ctx)
    const { room } = await readableRoom(deps.db, user, ctx.params.slug ?? '')
    const input = posted(ctx)
    try {
      const message = await postMessage(deps, user, room, input)
      ctx.status = 303
      ctx.redirect(`/rooms/${room.slug}#${ids.message(message.id)}`)
    } catch (err) {
      const answer = composerAnswer({ err }, { key: input.clientId, resend: false })
      if (answer.kind !== 'refused') throw err
      ctx.status = statusOf(err)
      // The same client id again: if the first try did get stored after all, a resend is still stored once.
      const keep = isClientId(input.clientId) ? { clientId: input.clientId } : {}
      await showRoom(deps, ctx, room, { body: input.body, error: answer.reason, ...keep })
    }
  })

  // History pages as an htmx fragment; a plain browser gets the full page for the same cursor.
  router.get(MESSAGES, async (ctx) => {
    const { room } = await readableRoom(deps.db, requireUser(ctx), ctx.params.slug ?? '')
    if (!isFragmentRequest(ctx)) return ctx.redirect(`/rooms/${room.slug}?${ctx.querystring}`)
    const page = await history(deps.db, room, { before: ctx.query.before, after: ctx.query.after })
    ctx.body = renderHistoryFragment(pageView(room, page))
  })

  return router
}

/**
 * Around a composer's post, from before its session is read (the database away, even that fails): a message
 * posted then is not lost. The page gives the text back in a form that sends it again, with the same client
 * id, so a retry stores it once; when it may have been stored after all, the page says so, not "not sent".
 * Mounted before the session; every other answer is the route's or the error boundary's.
 */
export function unsentPosts(log: Logger): Router<AppState> {
  const router = new Router<AppState>()
  router.post(MESSAGES, async (ctx, next) => {
    try {
      await next()
    } catch (err) {
      const input = posted(ctx)
      const answer = composerAnswer({ err }, { key: input.clientId, resend: false })
      // Only a room's own address goes back into the form's action (the old boundary matched no other).
      const slug = ctx.params.slug
      if (answer.kind !== 'retry' || answer.cause === 'rate-limited' || !isSlug(slug)) throw err
      log.error({ err, reqId: ctx.state.reqId }, 'message not stored: database unavailable')
      ctx.status = 503
      ctx.type = 'html'
      ctx.set('Retry-After', '5')
      const csrf = field(ctx, '_csrf')
      ctx.body = renderUnsentPage({
        viewer: { user: undefined, csrf },
        slug,
        csrf,
        clientId: answer.key,
        text: input.body,
        words: answer.page,
      })
    }
  })
  return router
}
