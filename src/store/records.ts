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
