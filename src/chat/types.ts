import type { Kysely } from 'kysely'
import type { Message, Room, RoomEvent, User } from '../store/records.ts'
import type { AuditTarget, Database, Role } from '../store/schema.ts'

export type { Message, Role, Room, RoomEvent, User }

/** The database the use cases are handed (the composition root opens it; only chat/ and store/ look inside). */
export type Db = Kysely<Database>

// What the admin pages show, as chat/admin-reads.ts hands it out: mapped from the store's rows there, so a
// column added to a query never reaches a template unasked.

/** A room with its size and last activity. */
export interface RoomOverview extends Room {
  members: number
  /** Messages not deleted. */
  messages: number
  lastActivity: Date | null
}

/** Someone with an account, as the people page lists them. */
export interface PersonOverview extends User {
  deactivated: boolean
  createdAt: Date
}

/** One line of the audit log: who did what to which room, person or message, and when. */
export interface AuditLine {
  id: number
  actor: string
  action: string
  targetType: AuditTarget
  targetId: number | null
  target: string
  detail: string
  createdAt: Date
}

/** One page of a room's history, oldest first, with whether more lies on either side. */
export interface MessagePage {
  messages: Message[]
  hasOlder: boolean
  hasNewer: boolean
}

/** The use cases' outbound port: told after a commit, never inside a transaction. */
export interface Announcer {
  messageCreated(room: Room, message: Message): void
  /** A message was edited or deleted: every open page of the room replaces or removes it. */
  messageChanged(room: Room, event: RoomEvent): void
  /** A room's name, topic, address or archived state changed: its open pages update their header and composer. */
  roomChanged(room: Room): void
  /** A room is gone: its open pages are sent to the room list. */
  roomDeleted(roomId: number): void
  /** Who may read a room changed (a member removed, the room made private): sockets that lost it are closed. */
  roomAccessChanged(roomId: number): void
  /** A person's role changed: their sockets in private rooms they may no longer read are closed. */
  userAccessChanged(userId: number): void
  /** A person was deactivated: every socket of theirs, on every node, is closed. */
  userEnded(userId: number): void
  /** A session was ended (signed out): its open sockets on every node are closed. */
  sessionEnded(sessionHash: string): void
}
