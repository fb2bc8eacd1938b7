import { Router } from '@koa/router'
import { Forbidden, Invalid, RateLimited } from '../chat/errors.ts'
import { deleteMessage, editMessage, may, messageFor } from '../chat/moderation.ts'
import { ids } from '../render/dom-ids.ts'
import { renderConfirmPage, renderEditForm, renderEditPage, renderMessage } from '../render/moderation.ts'
import { isFragmentRequest } from './errors.ts'
import { requireUser } from './session.ts'
import { type AppDeps, type AppState, type Ctx, field, viewer } from './state.ts'

const roomUrl = (slug: string, messageId: number) => `/rooms/${slug}#${ids.message(messageId)}`

/** Editing and deleting a message: inline with htmx, as plain pages and forms without JS. */
export function moderationRoutes(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>()

  // The message itself: what "Cancel" on an inline edit puts back.
  router.get('/messages/:id', async (ctx) => {
    const { message, room } = await messageFor(deps, requireUser(ctx), ctx.params.id)
    if (!isFragmentRequest(ctx)) return ctx.redirect(roomUrl(room.slug, message.id))
    ctx.body = renderMessage(message)
  })

  router.get('/messages/:id/edit', async (ctx) => {
    const user = requireUser(ctx)
    const { message, room } = await messageFor(deps, user, ctx.params.id)
    if (!may(user, room, message, 'edit')) throw new Forbidden('Only its author can edit a message.')
    const form = { message, room, csrf: ctx.state.csrf, body: message.body }
    ctx.body = isFragmentRequest(ctx)
      ? renderEditForm(form)
      : renderEditPage({ viewer: viewer(ctx), ...form })
  })

  router.post('/messages/:id/edit', async (ctx) => {
    const user = requireUser(ctx)
    try {
      const { message, room } = await editMessage(deps, user, ctx.params.id, field(ctx, 'body'))
      if (isFragmentRequest(ctx)) {
        ctx.body = renderMessage(message)
        return
      }
      ctx.status = 303
      ctx.redirect(roomUrl(room.slug, message.id))
    } catch (err) {
      if (err instanceof Invalid) return editAgain(deps, ctx, 422, Object.values(err.fields).join(' '))
      if (!(err instanceof RateLimited)) throw err
      ctx.set('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))))
      await editAgain(deps, ctx, 429, err.message)
    }
  })

  router.get('/messages/:id/delete', async (ctx) => {
    const user = requireUser(ctx)
    const { message, room } = await messageFor(deps, user, ctx.params.id)
    if (!may(user, room, message, 'delete'))
      throw new Forbidden('Only its author or an admin can delete a message.')
    ctx.body = renderConfirmPage({
      viewer: viewer(ctx),
      title: 'Delete this message?',
      text: `${message.author} wrote in #${room.name}:`,
      quote: message.body,
      action: `/messages/${message.id}/delete`,
      button: 'Delete message',
      back: roomUrl(room.slug, message.id),
    })
  })

  router.post('/messages/:id/delete', async (ctx) => {
    const room = await deleteMessage(deps, requireUser(ctx), ctx.params.id)
    // With htmx the article goes away through the socket, like on every other open page.
    if (isFragmentRequest(ctx)) {
      ctx.status = 204
      return
    }
    ctx.status = 303
    ctx.redirect(`/rooms/${room.slug}`)
  })

  return router
}

/** The edit form again, with the text as typed and what was wrong with it (or why to wait). */
async function editAgain(deps: AppDeps, ctx: Ctx, status: number, error: string): Promise<void> {
  const { message, room } = await messageFor(deps, requireUser(ctx), ctx.params.id)
  const form = {
    message,
    room,
    csrf: ctx.state.csrf,
    body: field(ctx, 'body'),
    error,
  }
  ctx.status = status
  ctx.body = isFragmentRequest(ctx) ? renderEditForm(form) : renderEditPage({ viewer: viewer(ctx), ...form })
}
