import type { Role } from '../store/schema.ts'

export type { Role }

export interface User {
  id: number
  username: string
  role: Role
}

export interface Room {
  id: number
  slug: string
  name: string
  topic: string
  lastSeq: number
}

export interface Message {
  id: number
  roomId: number
  seq: number
  authorId: number
  author: string
  body: string
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
}
