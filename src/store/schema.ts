import type { Generated } from 'kysely'

export type Role = 'admin' | 'member'

export interface SettingsTable {
  key: string
  value: string
}

export interface UsersTable {
  id: Generated<number>
  username: string
  password_hash: string
  role: Generated<Role>
  created_at: Generated<Date>
}

export interface SessionsTable {
  token_hash: string
  user_id: number
  created_at: Generated<Date>
  expires_at: Date
}

export interface RoomsTable {
  id: Generated<number>
  slug: string
  name: string
  topic: Generated<string>
  last_seq: Generated<number>
  created_at: Generated<Date>
}

export interface MessagesTable {
  id: Generated<number>
  room_id: number
  seq: number
  author_id: number
  body: string
  client_id: string
  created_at: Generated<Date>
}

export interface Database {
  settings: SettingsTable
  users: UsersTable
  sessions: SessionsTable
  rooms: RoomsTable
  messages: MessagesTable
  schema_migrations: { name: string; applied_at: Generated<Date> }
}
