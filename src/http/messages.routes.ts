import { Router } from '@koa/router'
import { composerError } from '../chat/errors.ts'
import { history, postMessage } from '../chat/messages.ts'
import { readableRoom } from '../chat/rooms.ts'
import { isClientId } from '../chat/validate.ts'
import { ids } from '../render/dom-ids.ts'
import { renderHistoryFragment } from '../render/pages.ts'
import { pageView } from '../render/view-models.ts'
import { isFragmentRequest, statusOf } from './errors.ts'
import { showRoom } from './rooms.routes.ts'
import { requireUser } from './session.ts'
import { type AppDeps, type AppState, field } from './state.ts'

export function messageRoutes(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>()

  // The no-JS (and socket-down) path: the composer posts here, then the room page shows the message.
  router.post('/rooms/:slug/messages', async (ctx) => {
    const user = requireUser(ctx)
    const { room } = await readableRoom(deps.db, user, ctx.params.slug ?? '')
    const input = { body: field(ctx, 'body'), clientId: field(ctx, 'client_id') }
    try {
      const message = await postMessage(deps, user, room, input)
      ctx.status = 303
      ctx.redirect(`/rooms/${room.slug}#${ids.message(message.id)}`)
    } catch (err) {
      const error = composerError(err)
      if (error === undefined) throw err
      ctx.status = statusOf(err)
      // The same client id again: if the first try did get stored after all, a resend is still stored once.
      const keep = isClientId(input.clientId) ? { clientId: input.clientId } : {}
      await showRoom(deps, ctx, room, { body: input.body, error, ...keep })
    }
  })

  // History pages as an htmx fragment; a plain browser gets the full page for the same cursor.
  router.get('/rooms/:slug/messages', async (ctx) => {
    const { room } = await readableRoom(deps.db, requireUser(ctx), ctx.params.slug ?? '')
    if (!isFragmentRequest(ctx)) return ctx.redirect(`/rooms/${room.slug}?${ctx.querystring}`)
    const page = await history(deps.db, room, { before: ctx.query.before, after: ctx.query.after })
    ctx.body = renderHistoryFragment(pageView(room, page))
  })

  return router
}
