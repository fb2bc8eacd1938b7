import type { TestApp } from './app.ts'

// Database look-ups: what a test reads straight from the store to check what the app did (or set up what
// it cannot reach over HTTP). Only reads; each one query.

export async function userId(app: TestApp, username: string): Promise<number> {
  const row = await app.store.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', username)
    .executeTakeFirstOrThrow()
  return row.id
}

export async function userRow(app: TestApp, id: number) {
  return app.store.db
    .selectFrom('users')
    .select(['id', 'username', 'role', 'deactivated_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()
}

export async function activeAdmins(app: TestApp): Promise<number> {
  const rows = await app.store.db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .where('deactivated_at', 'is', null)
    .execute()
  return rows.length
}

export async function sessionsOf(app: TestApp, id: number): Promise<number> {
  const rows = await app.store.db
    .selectFrom('sessions')
    .select('token_hash')
    .where('user_id', '=', id)
    .execute()
  return rows.length
}

export async function roomId(app: TestApp, slug: string): Promise<number> {
  const row = await app.store.db
    .selectFrom('rooms')
    .select('id')
    .where('slug', '=', slug)
    .executeTakeFirstOrThrow()
  return row.id
}

export async function roomRow(app: TestApp, id: number) {
  return app.store.db
    .selectFrom('rooms')
    .select(['id', 'slug', 'name', 'topic', 'private', 'archived_at', 'last_seq'])
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function lastSeq(app: TestApp, slug: string): Promise<number> {
  const row = await app.store.db
    .selectFrom('rooms')
    .select('last_seq')
    .where('slug', '=', slug)
    .executeTakeFirstOrThrow()
  return row.last_seq
}

export async function isMemberOf(app: TestApp, roomId: number, id: number): Promise<boolean> {
  const row = await app.store.db
    .selectFrom('room_members')
    .select('user_id')
    .where('room_id', '=', roomId)
    .where('user_id', '=', id)
    .executeTakeFirst()
  return row !== undefined
}

/** A person's read mark in a room (undefined: none stored). */
export async function readMark(app: TestApp, userId: number, room: number): Promise<number | undefined> {
  const row = await app.store.db
    .selectFrom('room_reads')
    .select('last_read_seq')
    .where('user_id', '=', userId)
    .where('room_id', '=', room)
    .executeTakeFirst()
  return row?.last_read_seq
}

export async function messageRow(app: TestApp, id: number) {
  return app.store.db
    .selectFrom('messages')
    .select(['id', 'seq', 'body', 'edited_at', 'deleted_at', 'changed_seq'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()
}

/** How many messages are stored, in every room. */
export async function storedMessages(app: TestApp): Promise<number> {
  return (await app.store.db.selectFrom('messages').select('id').execute()).length
}

/** How many stored messages have exactly this body. */
export async function storedWithBody(app: TestApp, body: string): Promise<number> {
  const rows = await app.store.db.selectFrom('messages').select('id').where('body', '=', body).execute()
  return rows.length
}

export async function auditCount(app: TestApp): Promise<number> {
  return (await app.store.db.selectFrom('audit_log').select('id').execute()).length
}

/** The audit rows with this action, oldest first. */
export async function auditRows(app: TestApp, action: string) {
  return app.store.db
    .selectFrom('audit_log')
    .select(['id', 'actor_id', 'actor', 'action', 'target_type', 'target_id', 'target', 'detail'])
    .where('action', '=', action)
    .orderBy('id')
    .execute()
}
