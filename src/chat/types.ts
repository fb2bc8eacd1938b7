import type { Message, Room, RoomEvent, User } from '../store/records.ts'
import type { Role } from '../store/schema.ts'

export type { AuditRow } from '../store/audit.repo.ts'
export type { RoomStats } from '../store/rooms.repo.ts'
export type { Person } from '../store/users.repo.ts'
export type { Message, Role, Room, RoomEvent, User }

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
