import type { Message, MessagePage, Room, User } from '../chat/types.ts'
import { ids } from './dom-ids.ts'
import { linkify } from './linkify.ts'

export interface MessageView {
  domId: string
  id: number
  seq: number
  authorId: number
  author: string
  iso: string
  time: string
  when: string
  bodyHtml: string
  /** When it was last edited (UTC, for a tooltip), or '' if never. */
  edited: string
}

export interface ComposerView {
  slug: string
  live: boolean
  csrf: string
  clientId: string
  body: string
  error?: string | undefined
}

export interface PageView {
  slug: string
  messages: MessageView[]
  olderHref?: string | undefined
  olderFragment?: string | undefined
  newerHref?: string | undefined
}

export interface Viewer {
  user: User | undefined
  csrf: string
}

/** Times are shown in UTC on the server; the same markup for every reader keeps one frame per message. */
export function messageView(m: Message): MessageView {
  const iso = m.createdAt.toISOString()
  return {
    domId: ids.message(m.id),
    id: m.id,
    seq: m.seq,
    authorId: m.authorId,
    author: m.author,
    iso,
    time: iso.slice(11, 16),
    when: `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`,
    bodyHtml: linkify(m.body),
    edited: m.editedAt ? `${m.editedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '',
  }
}

export function pageView(room: Room, page: MessagePage): PageView {
  const first = page.messages[0]
  const last = page.messages.at(-1)
  const base = `/rooms/${room.slug}`
  return {
    slug: room.slug,
    messages: page.messages.map(messageView),
    olderHref: page.hasOlder && first ? `${base}?before=${first.seq}` : undefined,
    olderFragment: page.hasOlder && first ? `${base}/messages?before=${first.seq}` : undefined,
    newerHref: page.hasNewer ? `${base}?after=${last?.seq ?? 0}` : undefined,
  }
}
