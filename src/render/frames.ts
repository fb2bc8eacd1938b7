import type { Message } from '../chat/types.ts'
import { eta } from './eta.ts'
import { type ComposerView, messageView, type PageView } from './view-models.ts'

/** The frame every socket of the room receives for a new message: rendered once, sent as is to all. */
export function renderMessageFrame(message: Message): string {
  return eta.render('/frames/message-created', messageView(message))
}

/** The frame only the sender receives: a fresh composer, or the same one with its error and text kept. */
export function renderComposerFrame(composer: ComposerView): string {
  return eta.render('/frames/composer', composer)
}

/** Catch-up for a reconnected socket: the messages it missed, appended in one frame. */
export function renderReplayFrame(messages: Message[]): string {
  return eta.render('/frames/replay', { messages: messages.map(messageView) })
}

/** Too much was missed: the log is rendered afresh (latest page) instead. */
export function renderReloadFrame(history: PageView): string {
  return eta.render('/frames/reload', history)
}

/** A short notice for this socket only (a malformed frame, a refused action). */
export function renderNoticeFrame(text: string): string {
  return eta.render('/frames/notice', { text })
}
