import type { UnsentWords } from '../chat/composer-answer.ts'
import type { SidebarRoom } from '../chat/sidebar.ts'
import type { Room } from '../chat/types.ts'
import { eta } from './eta.ts'
import { withCountLabels } from './frames.ts'
import type { ComposerView, PageView, Viewer } from './view-models.ts'

export type Values = Record<string, string>
export type Errors = Record<string, string>

interface Layout {
  title: string
  viewer: Viewer
}

function page(template: string, data: Layout & Record<string, unknown>): string {
  return eta.render(template, data)
}

export function renderRoomPage(data: {
  viewer: Viewer
  room: Room
  /** The room's last seq as of the history shown: the page resumes from it. */
  lastSeq: number
  sidebar: SidebarRoom[]
  history: PageView
  composer: ComposerView
}): string {
  return page('/rooms/show', { title: data.room.name, ...data, sidebar: data.sidebar.map(withCountLabels) })
}

export function renderIndex(data: {
  viewer: Viewer
  rooms: Room[]
  notice?: string | undefined
  values?: Values
  errors?: Errors
}): string {
  return page('/rooms/index', { title: 'Rooms', values: {}, errors: {}, notice: '', ...data })
}

export function renderAuthPage(
  kind: 'login' | 'signup',
  data: { viewer: Viewer; next: string; firstRun?: boolean; values?: Values; errors?: Errors },
): string {
  const title = kind === 'login' ? 'Sign in' : 'Sign up'
  return page(`/auth/${kind}`, { title, values: {}, errors: {}, firstRun: false, ...data })
}

export function renderErrorPage(data: { viewer: Viewer; status: number; message: string }): string {
  return page('/errors/error', { title: data.status === 404 ? 'Not found' : 'Error', ...data })
}

/** A page of history as an htmx fragment: the "Older messages" link (if any) and the messages. */
export function renderHistoryFragment(history: PageView): string {
  return eta.render('/messages/_history', history)
}

/** A message that could not be stored (the database is away): its text, ready to send again. */
export function renderUnsentPage(data: {
  viewer: Viewer
  slug: string
  csrf: string
  clientId: string
  text: string
  /** Not sent, or not confirmed (it may have been stored): worded by chat/composer-answer.ts. */
  words: UnsentWords
}): string {
  // `text`, not `body`: the layout's `it.body` is the page itself.
  return page('/rooms/unsent', { title: data.words.title, ...data })
}
