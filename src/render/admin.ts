import type { AuditLine, PersonOverview, RoomOverview, User } from '../chat/types.ts'
import { eta } from './eta.ts'
import type { Viewer } from './view-models.ts'

type Fields = Record<string, string>

const utc = (d: Date | null) => (d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '—')

export function renderAdminRooms(data: {
  viewer: Viewer
  rooms: RoomOverview[]
  notice?: string | undefined
  values?: Fields
  errors?: Fields
}): string {
  const rooms = data.rooms.map((r) => ({ ...r, last: utc(r.lastActivity) }))
  return eta.render('/admin/rooms', {
    title: 'Rooms · Administration',
    values: {},
    errors: {},
    notice: '',
    ...data,
    rooms,
  })
}

export function renderAdminRoom(data: {
  viewer: Viewer
  room: RoomOverview
  members: User[]
  notice?: string | undefined
  values?: Fields
  errors?: Fields
}): string {
  const { room } = data
  const values = {
    name: room.name,
    slug: room.slug,
    topic: room.topic,
    private: room.private ? 'on' : '',
    ...data.values,
  }
  return eta.render('/admin/room', {
    title: `#${room.name} · Administration`,
    errors: {},
    notice: '',
    ...data,
    values,
    last: utc(room.lastActivity),
  })
}

export function renderAdminPeople(data: {
  viewer: Viewer
  people: PersonOverview[]
  notice?: string | undefined
}): string {
  const people = data.people.map((p) => ({ ...p, since: utc(p.createdAt).slice(0, 10) }))
  return eta.render('/admin/people', { title: 'People · Administration', notice: '', ...data, people })
}

export function renderAdminAudit(data: {
  viewer: Viewer
  rows: AuditLine[]
  older?: number | undefined
}): string {
  const rows = data.rows.map((r) => ({ ...r, when: utc(r.createdAt), iso: r.createdAt.toISOString() }))
  return eta.render('/admin/audit', { title: 'Audit log · Administration', ...data, rows })
}

export function renderResetLinkPage(data: {
  viewer: Viewer
  person: User
  link: string
  hours: number
}): string {
  return eta.render('/admin/reset-link', { title: 'Reset link · Administration', ...data })
}

export function renderResetPage(data: {
  viewer: Viewer
  username: string
  token: string
  errors?: Fields
}): string {
  return eta.render('/auth/reset', { title: 'Choose a new password', errors: {}, ...data })
}
