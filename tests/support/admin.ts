import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { TestApp } from './app.ts'
import { auditCount, userId } from './db-lookups.ts'
import { HttpUser, type Page } from './http.ts'
import { type Closed, openSocket, type TestSocket } from './socket.ts'

/**
 * Asserts the newest audit row of the whole log is this action with these fields, and that the log grew by
 * exactly one row since `before` rows: one action, one row.
 */
export async function expectAudit(
  app: TestApp,
  before: number,
  want: {
    action: string
    actor: string
    targetType: 'room' | 'user' | 'message'
    targetId: number
    target?: RegExp
    detail?: string | RegExp
  },
): Promise<void> {
  assert.equal(await auditCount(app), before + 1, `exactly one audit row for ${want.action}`)
  const row = await app.store.db
    .selectFrom('audit_log')
    .select(['actor_id', 'actor', 'action', 'target_type', 'target_id', 'target', 'detail'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow()
  assert.equal(row.action, want.action)
  assert.equal(row.actor, want.actor)
  assert.equal(row.actor_id, await userId(app, want.actor))
  assert.equal(row.target_type, want.targetType)
  assert.equal(row.target_id, want.targetId)
  if (want.target) assert.match(row.target, want.target)
  if (typeof want.detail === 'string') assert.equal(row.detail, want.detail)
  else if (want.detail) assert.match(row.detail, want.detail)
}

/** Creates a room through /admin/rooms and returns its id. */
export async function createRoom(
  admin: HttpUser,
  fields: { name: string; slug?: string; topic?: string; private?: boolean },
): Promise<number> {
  const form: Record<string, string> = {
    name: fields.name,
    slug: fields.slug ?? '',
    topic: fields.topic ?? '',
  }
  if (fields.private) form.private = 'on'
  const res = await admin.post('/admin/rooms', form)
  assert.equal(res.status, 303, `create ${fields.name}: ${res.html.slice(0, 300)}`)
  const id = /^\/admin\/rooms\/(\d+)\?done=created$/.exec(res.location ?? '')?.[1]
  assert.ok(id, `created room's address: ${res.location}`)
  return Number(id)
}

export async function addMember(admin: HttpUser, roomId: number, username: string): Promise<void> {
  const res = await admin.post(`/admin/rooms/${roomId}/members`, { username })
  assert.equal(res.status, 303, `add ${username}: ${res.html.slice(0, 300)}`)
}

/** Posts a message without JavaScript (as the composer form would) and returns its id. */
export async function say(user: HttpUser, slug: string, body: string): Promise<number> {
  const res = await user.post(`/rooms/${slug}/messages`, { body, client_id: randomUUID() })
  assert.equal(res.status, 303, `post to ${slug}: ${res.status}`)
  const id = /#message-(\d+)$/.exec(res.location ?? '')?.[1]
  assert.ok(id, `posted message's address: ${res.location}`)
  return Number(id)
}

/**
 * A socket that is live: opened from seq 0 in a room that has messages, so its replay frame proves the
 * room's subscription on the server is in place (the server reads the catch-up only after subscribing).
 */
export async function liveSocket(user: HttpUser, slug: string, sockets: TestSocket[]): Promise<TestSocket> {
  const s = await openSocket(user, slug, { lastSeq: 0 })
  sockets.push(s)
  await s.waitFor((f) => f.some((x) => x.startsWith('<!--seq ')), `${slug}: replay frame`)
  return s
}

/** How the socket was closed, failing if it stays open longer than `ms`. */
export async function closedWithin(socket: TestSocket, ms = 5000): Promise<Closed> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`socket still open after ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([socket.closed, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Whether the socket is still open (it may have been closed with no close frame received yet: check after an event). */
export function isOpen(socket: TestSocket): boolean {
  return socket.ws.readyState === socket.ws.OPEN
}

/** Live frames that replace message `id` in place (an edit), with their seq. */
export function editFrames(socket: TestSocket, id: number): string[] {
  const re = new RegExp(
    `^<!--seq \\d+--><hx-partial hx-target="#message-${id}" hx-swap="outerHTML"><article class="message" id="message-${id}"`,
  )
  return socket.frames.filter((f) => re.test(f))
}

/** Live frames that remove message `id`. */
export function deleteFrames(socket: TestSocket, id: number): string[] {
  const re = new RegExp(
    `^<!--seq \\d+--><hx-partial hx-target="#message-${id}" hx-swap="delete"></hx-partial>$`,
  )
  return socket.frames.filter((f) => re.test(f))
}

/** Seq-0 frames that replace the room's header (rename, topic, archive). */
export function headFrames(socket: TestSocket): string[] {
  return socket.frames.filter((f) => f.startsWith('<hx-partial hx-target="#room-head" hx-swap="outerHTML">'))
}

/** Frames that carry a new message with this body. */
export function messageFrames(socket: TestSocket, body: string): string[] {
  return socket.frames.filter(
    (f) =>
      f.includes('hx-target="#messages" hx-swap="beforeend"') && f.includes(`<p class="body">${body}</p>`),
  )
}

/** A POST as htmx makes it from a link with hx-post (no form: the token in X-CSRF-Token), with its headers. */
export async function hxPost(user: HttpUser, path: string): Promise<{ status: number; headers: Headers }> {
  const res = await fetch(new URL(path, user.base), {
    method: 'POST',
    headers: { cookie: user.cookieHeader, 'HX-Request': 'true', 'X-CSRF-Token': user.csrf },
    redirect: 'manual',
  })
  await res.arrayBuffer()
  return { status: res.status, headers: res.headers }
}

/** Signs in from the login page (a fresh cookie jar); the response says whether it worked (303) or not (422). */
export async function signIn(
  base: string,
  username: string,
  password: string,
): Promise<{ user: HttpUser; res: Page }> {
  const user = new HttpUser(base)
  await user.get('/login')
  const res = await user.post('/login', { username, password })
  if (res.status === 303) await user.get('/')
  return { user, res }
}
