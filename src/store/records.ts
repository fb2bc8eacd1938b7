import type { Role } from './schema.ts'

/** The shapes the repositories return: the use cases and views work with these, never with raw rows. */
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
  /** Only its members (and admins) can see a private room; anyone else is told it does not exist. */
  private: boolean
  /** An archived room is read-only: its history stays, its composer is gone. */
  archived: boolean
}

export interface Message {
  id: number
  roomId: number
  seq: number
  authorId: number
  author: string
  body: string
  createdAt: Date
  editedAt?: Date | null | undefined
}

/**
 * Something that happened in a room, in seq order: a message was posted, edited or deleted. Each takes the
 * room's next seq; a created event carries the message as it is now.
 */
export interface RoomEvent {
  kind: 'created' | 'edited' | 'deleted'
  seq: number
  message: Message
}
