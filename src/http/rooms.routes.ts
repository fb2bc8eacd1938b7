import { Router } from '@koa/router'
import { newClientId } from '../auth/tokens.ts'
import { isFirstRun } from '../chat/accounts.ts'
import { Invalid } from '../chat/errors.ts'
import { history } from '../chat/messages.ts'
import { createRoom } from '../chat/room-admin.ts'
import { readableRoom, rooms } from '../chat/rooms.ts'
import { readUpTo, sidebar } from '../chat/sidebar.ts'
import type { Room } from '../chat/types.ts'
import { renderIndex, renderRoomPage } from '../render/pages.ts'
import { type ComposerView, pageView } from '../render/view-models.ts'
import { requireUser } from './session.ts'
import { type AppDeps, type AppState, type Ctx, field, viewer } from './state.ts'

/** The room page: the latest page is live (socket + composer over it); a history page is plain. */
export async function showRoom(
  deps: AppDeps,
  ctx: Ctx,
  room: Room,
  composer: Partial<ComposerView> = {},
): Promise<void> {
  const user = requireUser(ctx)
  const { before, after, around } = ctx.query
  const page = await history(deps.db, room, { before, after, around })
  // Opening the newest page is reading the room (without JS too); a live page also says so as it reads on.
  if (!page.hasNewer) await readUpTo(deps.db, user, room, page.lastSeq)
  ctx.body = renderRoomPage({
    viewer: viewer(ctx),
    room,
    lastSeq: page.lastSeq,
    sidebar: await sidebar(deps.db, user),
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

/** Fixed notices the room list can show after a redirect (never text from the query string itself). */
const NOTICES: Record<string, string> = {
  'room-deleted': 'The room you were in was deleted.',
  'no-access': 'You no longer have access to that room.',
}

export function roomRoutes(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>()

  router.get('/', async (ctx) => {
    const user = ctx.state.user
    if (!user) return ctx.redirect((await isFirstRun(deps.db)) ? '/signup' : '/login')
    const notice = NOTICES[String(ctx.query.notice)]
    ctx.body = renderIndex({ viewer: viewer(ctx), rooms: await rooms(deps.db, user), notice })
  })

  // The room list's quick "create a room" form; /admin/rooms has every option.
  router.post('/rooms', async (ctx) => {
    const user = requireUser(ctx)
    const values = { name: field(ctx, 'name'), topic: field(ctx, 'topic') }
    try {
      const room = await createRoom(deps, user, { ...values, slug: '', private: '' })
      ctx.status = 303
      ctx.redirect(`/rooms/${room.slug}`)
    } catch (err) {
      if (!(err instanceof Invalid)) throw err
      ctx.status = 422
      ctx.body = renderIndex({
        viewer: viewer(ctx),
        rooms: await rooms(deps.db, user),
        values,
        errors: err.fields,
      })
    }
  })

  router.get('/rooms/:slug', async (ctx) => {
    const { room, moved } = await readableRoom(deps.db, requireUser(ctx), ctx.params.slug ?? '')
    if (moved) {
      ctx.status = 301
      return ctx.redirect(`/rooms/${room.slug}${ctx.querystring ? `?${ctx.querystring}` : ''}`)
    }
    await showRoom(deps, ctx, room)
  })

  return router
}
