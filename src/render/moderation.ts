import type { Message, Room } from '../chat/types.ts'
import { eta } from './eta.ts'
import { messageView, type Viewer } from './view-models.ts'

export interface EditForm {
  message: Message
  room: Room
  csrf: string
  body: string
  error?: string | undefined
}

// `text`, not `body`: a page's `it.body` is the page itself to the layout.
const formView = (f: EditForm) => ({
  m: messageView(f.message),
  room: f.room,
  slug: f.room.slug,
  csrf: f.csrf,
  text: f.body,
  error: f.error,
})

/** One message as a fragment (the same partial as everywhere). */
export function renderMessage(message: Message): string {
  return eta.render('/messages/_message', messageView(message))
}

/** The inline edit form, in the message's place (same id, so a live change replaces it too). */
export function renderEditForm(form: EditForm): string {
  return eta.render('/messages/_edit', formView(form))
}

export function renderEditPage(form: EditForm & { viewer: Viewer }): string {
  return eta.render('/messages/edit', { title: 'Edit message', viewer: form.viewer, ...formView(form) })
}

/** The no-JS confirmation step of a destructive action: says what will go, and posts on. */
export function renderConfirmPage(data: {
  viewer: Viewer
  title: string
  text: string
  quote?: string
  action: string
  button: string
  back: string
  fields?: Record<string, string>
}): string {
  return eta.render('/partials/confirm', { quote: '', fields: {}, ...data })
}
