import type { Message, Room, RoomEvent } from '../chat/types.ts'
import { countLabel } from '../unread-cap.ts'
import { eta } from './eta.ts'
import { messageView } from './view-models.ts'

// Every frame of the room's order starts with `<!--seq N-->`: the page keeps the highest N it has seen and
// resumes from it after a reconnect. htmx ignores the comment. (Catch-up frames: catch-up-frames.ts.)

/** The frame every socket of the room receives for a room event: rendered once, sent as is to all. */
export function renderEventFrame(event: RoomEvent): string {
  return eta.render('/frames/event', {
    kind: event.kind,
    seq: event.seq,
    message: messageView(event.message),
  })
}

export function renderMessageFrame(message: Message): string {
  return renderEventFrame({ kind: 'created', seq: message.seq, message })
}

// The answers to one send, for its page only, keyed by the key the page gave it: its "sending…" entry
// (#send-<key>) becomes stored, refused (the error shows in the composer) or "trying again".

/** Stored: the page's entry goes once the message's own frame (`domId`) is on the page. */
export function renderSendAck(key: string, domId: string): string {
  return eta.render('/frames/send-ack', { key, domId })
}

/** Refused: the error shows in the composer, and the page puts the text back (key undefined: none to name). */
export function renderSendError(key: string | undefined, error: string): string {
  return eta.render('/frames/send-error', { key, error })
}

/** Not stored yet, or not known to be: the entry stays, saying why, and the page sends it again (same key). */
export function renderSendRetry(key: string, body: string, note: string): string {
  return eta.render('/frames/send-retry', { key, body, note })
}

/** A room's header (and composer, when archived or reopened) changed: the same frame for every open page. */
export function renderRoomFrame(room: Room): string {
  return eta.render('/frames/room-changed', room)
}

/** A short notice for this socket only (a malformed frame, a refused action). */
export function renderNoticeFrame(text: string): string {
  return eta.render('/frames/notice', { text })
}

export interface SideItem {
  id: number
  slug: string
  name: string
  unread: number
  mentions: number
  current: boolean
}

/** A sidebar entry's counts as its badge shows them: "999+" from the cap on (src/unread-cap.ts). */
export function withCountLabels<T extends { unread: number; mentions: number }>(item: T) {
  return { ...item, unreadLabel: countLabel(item.unread), mentionsLabel: countLabel(item.mentions) }
}

/** One sidebar entry with its counts, as a partial; a socket's frame is those that moved, one after another. */
export function renderSideItem(item: SideItem): string {
  return eta.render('/frames/side-item', withCountLabels(item))
}

/** "Here now": the same list for every page of the room. */
export function renderPresenceFrame(names: string[]): string {
  return eta.render('/frames/presence', { names })
}

/** "… is typing": never naming the reader themselves. */
export function renderTypingFrame(names: string[]): string {
  return eta.render('/frames/typing', { names })
}
