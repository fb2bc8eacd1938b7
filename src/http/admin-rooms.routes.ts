import { Router } from '@koa/router'
import { roomMembers, roomOverview, roomsOverview } from '../chat/admin-reads.ts'
import { Invalid } from '../chat/errors.ts'
import { addRoomMember, removeRoomMember } from '../chat/members.ts'
import * as admin from '../chat/room-admin.ts'
import { renderAdminRoom, renderAdminRooms } from '../render/admin.ts'
import { renderConfirmPage } from '../render/moderation.ts'
import { adminOnly, done } from './admin-guard.ts'
import { requireUser } from './session.ts'
import { type AppDeps, type AppState, type Ctx, field, viewer } from './state.ts'

const NOTICES: Record<string, string> = {
  created: 'Room created.',
  saved: 'Changes saved.',
  archived: 'Room archived: it is read-only now.',
  unarchived: 'Room unarchived: people can write in it again.',
  deleted: 'Room deleted.',
  added: 'Member added.',
  removed: 'Member removed.',
}
const notice = (ctx: Ctx) => NOTICES[String(ctx.query.done)]
const roomValues = (ctx: Ctx) => ({
  name: field(ctx, 'name'),
  slug: field(ctx, 'slug'),
  topic: field(ctx, 'topic'),
  private: field(ctx, 'private'),
})

/** /admin/rooms: list, create, edit, archive, delete rooms, and manage private rooms' members. */
export function adminRoomRoutes(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/admin' })
  router.use(adminOnly())

  const roomPage = async (
    ctx: Ctx,
    extra: { values?: Record<string, string>; errors?: Record<string, string> } = {},
  ) => {
    const room = await roomOverview(deps, requireUser(ctx), ctx.params.id)
    ctx.body = renderAdminRoom({
      viewer: viewer(ctx),
      room,
      members: await roomMembers(deps, requireUser(ctx), room.id),
      notice: notice(ctx),
      ...extra,
    })
    return room
  }

  router.get('/', (ctx) => ctx.redirect('/admin/rooms'))

  router.get('/rooms', async (ctx) => {
    ctx.body = renderAdminRooms({
      viewer: viewer(ctx),
      rooms: await roomsOverview(deps, requireUser(ctx)),
      notice: notice(ctx),
    })
  })

  router.post('/rooms', async (ctx) => {
    const values = roomValues(ctx)
    try {
      const room = await admin.createRoom(deps, requireUser(ctx), values)
      done(ctx, `/admin/rooms/${room.id}?done=created`)
    } catch (err) {
      if (!(err instanceof Invalid)) throw err
      ctx.status = 422
      ctx.body = renderAdminRooms({
        viewer: viewer(ctx),
        rooms: await roomsOverview(deps, requireUser(ctx)),
        values,
        errors: err.fields,
      })
    }
  })

  router.get('/rooms/:id', async (ctx) => void (await roomPage(ctx)))

  router.post('/rooms/:id', async (ctx) => {
    const room = await roomOverview(deps, requireUser(ctx), ctx.params.id)
    const values = roomValues(ctx)
    try {
      await admin.updateRoom(deps, requireUser(ctx), room.id, values)
      done(ctx, `/admin/rooms/${room.id}?done=saved`)
    } catch (err) {
      if (!(err instanceof Invalid)) throw err
      ctx.status = 422
      await roomPage(ctx, { values, errors: err.fields })
    }
  })

  for (const [path, archived] of [
    ['archive', true],
    ['unarchive', false],
  ] as const) {
    router.post(`/rooms/:id/${path}`, async (ctx) => {
      const room = await roomOverview(deps, requireUser(ctx), ctx.params.id)
      await admin.setArchived(deps, requireUser(ctx), room.id, archived)
      done(ctx, `/admin/rooms/${room.id}?done=${path}d`)
    })
  }

  router.get('/rooms/:id/delete', async (ctx) => {
    const room = await roomOverview(deps, requireUser(ctx), ctx.params.id)
    ctx.body = renderConfirmPage({
      viewer: viewer(ctx),
      title: `Delete #${room.name}?`,
      text: `This deletes the room #${room.name} and its ${room.messages} ${room.messages === 1 ? 'message' : 'messages'} for good. People in it now are sent to the room list. This cannot be undone.`,
      action: `/admin/rooms/${room.id}/delete`,
      button: `Delete #${room.name}`,
      back: `/admin/rooms/${room.id}`,
    })
  })

  router.post('/rooms/:id/delete', async (ctx) => {
    const room = await roomOverview(deps, requireUser(ctx), ctx.params.id)
    await admin.deleteRoom(deps, requireUser(ctx), room.id)
    done(ctx, '/admin/rooms?done=deleted')
  })

  router.post('/rooms/:id/members', async (ctx) => {
    const room = await roomOverview(deps, requireUser(ctx), ctx.params.id)
    try {
      await addRoomMember(deps, requireUser(ctx), room, field(ctx, 'username'))
      done(ctx, `/admin/rooms/${room.id}?done=added#members`)
    } catch (err) {
      if (!(err instanceof Invalid)) throw err
      ctx.status = 422
      await roomPage(ctx, { values: { username: field(ctx, 'username') }, errors: err.fields })
    }
  })

  router.post('/rooms/:id/members/:userId/remove', async (ctx) => {
    const room = await roomOverview(deps, requireUser(ctx), ctx.params.id)
    await removeRoomMember(deps, requireUser(ctx), room, ctx.params.userId)
    done(ctx, `/admin/rooms/${room.id}?done=removed#members`)
  })

  return router
}
