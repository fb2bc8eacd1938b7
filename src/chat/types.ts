import type { Message, Room, User } from '../store/records.ts'
import type { Role } from '../store/schema.ts'

export type { Message, Role, Room, User }

/** One page of a room's history, oldest first, with whether more lies on either side. */
export interface MessagePage {
  messages: Message[]
  hasOlder: boolean
  hasNewer: boolean
}

/** The use cases' outbound port: told after a commit, never inside a transaction. */
export interface Announcer {
  messageCreated(room: Room, message: Message): void
  /** A session was ended (signed out): its open sockets on every node are closed. */
  sessionEnded(sessionHash: string): void
}
