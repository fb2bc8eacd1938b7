import { Router } from '@koa/router'
import { newClientId } from '../auth/tokens.ts'
import { Invalid } from '../chat/errors.ts'
import { history } from '../chat/messages.ts'
import { createRoom, roomBySlug, rooms } from '../chat/rooms.ts'
import type { Room } from '../chat/types.ts'
import { renderIndex, renderRoomPage } from '../render/pages.ts'
import { type ComposerView, pageView } from '../render/view-models.ts'
import { countUsers } from '../store/users.repo.ts'
import { requireUser } from './session.ts'
import { type AppDeps, type AppState, type Ctx, field, viewer } from './state.ts'

/** The room page: the latest page is live (socket + composer over it); a history page is plain. */
export async function showRoom(
  deps: AppDeps,
  ctx: Ctx,
  room: Room,
  composer: Partial<ComposerView> = {},
): Promise<void> {
  const page = await history(deps.db, room, { before: ctx.query.before, after: ctx.query.after })
  ctx.body = renderRoomPage({
    viewer: viewer(ctx),
    room,
    history: pageView(room, page),
    composer: {
      slug: room.slug,
      live: !page.hasNewer,
      csrf: ctx.state.csrf,
      clientId: newClientId(),
      body: '',
      ...composer,
    },
  })
}

export function roomRoutes(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>()

  router.get('/', async (ctx) => {
    if (!ctx.state.user) return ctx.redirect((await countUsers(deps.db)) === 0 ? '/signup' : '/login')
    ctx.body = renderIndex({ viewer: viewer(ctx), rooms: await rooms(deps.db) })
  })

  router.post('/rooms', async (ctx) => {
    const user = requireUser(ctx)
    const values = { name: field(ctx, 'name'), topic: field(ctx, 'topic') }
    try {
      const room = await createRoom(deps.db, user, values)
      deps.log.info({ reqId: ctx.state.reqId, user: user.id, room: room.id }, 'room created')
      ctx.status = 303
      ctx.redirect(`/rooms/${room.slug}`)
    } catch (err) {
      if (!(err instanceof Invalid)) throw err
      ctx.status = 422
      ctx.body = renderIndex({ viewer: viewer(ctx), rooms: await rooms(deps.db), values, errors: err.fields })
    }
  })

  router.get('/rooms/:slug', async (ctx) => {
    requireUser(ctx)
    await showRoom(deps, ctx, await roomBySlug(deps.db, ctx.params.slug ?? ''))
  })

  return router
}
