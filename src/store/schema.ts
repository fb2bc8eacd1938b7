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
  deactivated_at: Date | null
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
  private: Generated<boolean>
  archived_at: Date | null
}

export interface RoomMembersTable {
  room_id: number
  user_id: number
  added_at: Generated<Date>
}

export interface RoomSlugsTable {
  slug: string
  room_id: number
}

export interface PasswordResetsTable {
  token_hash: string
  user_id: number
  created_at: Generated<Date>
  expires_at: Date
  used_at: Date | null
}

export interface RoomReadsTable {
  user_id: number
  room_id: number
  last_read_seq: number
}

export type AuditTarget = 'room' | 'user' | 'message'

export interface AuditLogTable {
  id: Generated<number>
  actor_id: number | null
  actor: string
  action: string
  target_type: AuditTarget
  target_id: number | null
  target: string
  detail: Generated<string>
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
  edited_at: Date | null
  deleted_at: Date | null
  changed_seq: number | null
}

/** Who a message mentions (not its author), written when it is stored or edited: see store/mentions.repo.ts. */
export interface MessageMentionsTable {
  user_id: number
  room_id: number
  seq: number
  message_id: number
}

export interface Database {
  settings: SettingsTable
  users: UsersTable
  sessions: SessionsTable
  rooms: RoomsTable
  messages: MessagesTable
  room_members: RoomMembersTable
  room_slugs: RoomSlugsTable
  password_resets: PasswordResetsTable
  audit_log: AuditLogTable
  room_reads: RoomReadsTable
  message_mentions: MessageMentionsTable
  schema_migrations: { name: string; applied_at: Generated<Date> }
}
