import { Router } from '@koa/router'
import { Invalid } from '../chat/errors.ts'
import { readableRoom } from '../chat/rooms.ts'
import { mentionSuggestions, search } from '../chat/search.ts'
import { renderMentionList, renderSearchPage } from '../render/search.ts'
import { requireUser } from './session.ts'
import { type AppDeps, type AppState, viewer } from './state.ts'

/** /search (a plain GET form: works without JS) and the composer's @mention suggestions. */
export function searchRoutes(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>()

  router.get('/search', async (ctx) => {
    const user = requireUser(ctx)
    try {
      const { q, hits } = await search(deps.db, user, ctx.query.q)
      ctx.body = renderSearchPage({ viewer: viewer(ctx), q, hits })
    } catch (err) {
      if (!(err instanceof Invalid)) throw err
      ctx.status = 422
      ctx.body = renderSearchPage({
        viewer: viewer(ctx),
        q: String(ctx.query.q ?? ''),
        hits: [],
        error: err.message,
      })
    }
  })

  router.get('/rooms/:slug/mentions', async (ctx) => {
    const { room } = await readableRoom(deps.db, requireUser(ctx), ctx.params.slug ?? '')
    ctx.body = renderMentionList(await mentionSuggestions(deps.db, room, ctx.query.body))
  })

  return router
}
