import { controlTopic, roomTopic } from '../../bus/bus.ts'
import { type Activity, encodeControl, encodeFrame, encodeTyping } from '../../bus/wire.ts'
import { readUpTo } from '../../chat/sidebar.ts'
import type { PresenceStore } from '../../presence/presence.ts'
import { renderPresenceFrame, renderTypingFrame } from '../../render/frames.ts'
import type { RealtimeDeps } from '../deps.ts'
import type { Hub } from '../fanout/hub.ts'
import type { Client } from '../socket/client.ts'
import { PresenceLive, REFRESH_MS } from './presence-live.ts'
import { sideLive } from './side-live.ts'
import { TYPING_EVERY_MS, TypingLive } from './typing-live.ts'
import { UnreadLive } from './unread-live.ts'

/** A read mark is stored at most this often per socket (the page says so on every message it shows). */
const READ_EVERY_MS = 2_000
const UNREAD_TICK_MS = 1_000

/** The live features of a node: sidebar unread badges, who's here, who's typing. */
export function liveFeatures(deps: RealtimeDeps, hub: Hub, presenceStore: PresenceStore) {
  const { bus, log } = deps
  const prefix = deps.config.busPrefix
  const unread = new UnreadLive()
  const publish = (topic: string, payload: string) =>
    bus.publish(topic, payload).catch((err: Error) => log.warn({ err: err.message }, 'publish failed'))
  const presence = new PresenceLive(
    presenceStore,
    (roomId) => hub.clientsOf(roomId),
    (roomId, names) =>
      publish(roomTopic(prefix, roomId), encodeFrame({ seq: 0, html: renderPresenceFrame(names) })),
    log,
  )
  const typing = new TypingLive((roomId) => hub.clientsOf(roomId), renderTypingFrame)
  // This node's sockets by person: a read mark concerns one person's pages, not every socket.
  const byUser = new Map<number, Set<Client>>()
  const side = sideLive(deps, unread, { all: () => hub.clients, of: (id) => byUser.get(id) ?? [] })
  bus.onReconnect(() => side.recheckAll())
  Object.assign(hub.hooks, {
    joined: (c: Client) => {
      presence.changed(c.room.id)
      const mine = byUser.get(c.user.id) ?? new Set<Client>()
      byUser.set(c.user.id, mine.add(c))
    },
    left: (c: Client) => {
      presence.changed(c.room.id)
      const mine = byUser.get(c.user.id)
      if (mine?.delete(c) && mine.size === 0) byUser.delete(c.user.id)
    },
    typing: (roomId: number, s: Parameters<TypingLive['onSignal']>[1]) => typing.onSignal(roomId, s),
    control: side.control,
  })

  const storeRead = async (client: Client) => {
    // Stored even if the page has closed meanwhile: what it said it read, it read.
    client.readAt = Date.now()
    await readUpTo(deps.db, client.user, client.room, client.readSeq)
    await publish(
      controlTopic(prefix),
      encodeControl({ kind: 'read', id: client.user.id, roomId: client.room.id }),
    )
  }
  const timers = [
    setInterval(() => unread.tick(hub.clients, side.send), UNREAD_TICK_MS),
    setInterval(() => presence.refresh(hub.roomIds()), REFRESH_MS),
  ]
  for (const t of timers) t.unref()

  return {
    onActivity: (activity: Activity) => unread.onActivity(activity),
    /** Another page of this person read a room: their badges for it go to zero everywhere. */
    onRead: side.onRead,
    /** A page connected: its sidebar counts start exact, from the database; it is shown who is here. */
    /** Never fails the socket: without the database or Redis the page still chats, only these extras wait. */
    async resumed(client: Client) {
      await Promise.all([
        side
          .start(client)
          .catch((err) => log.warn({ err: (err as Error).message }, 'sidebar counts unavailable')),
        presence
          .current(client.room.id)
          .then((names) => client.send(renderPresenceFrame(names)))
          .catch((err) => log.warn({ err: (err as Error).message }, 'presence unavailable')),
      ])
    },
    /** Stores a read mark now, or (within READ_EVERY_MS of the last) the latest one when the window ends. */
    async read(client: Client, seq: number) {
      client.readSeq = Math.max(client.readSeq, seq)
      const wait = client.readAt + READ_EVERY_MS - Date.now()
      if (wait > 0) {
        client.readTimer ??= setTimeout(() => {
          client.readTimer = undefined
          storeRead(client).catch((err) => log.warn({ err: (err as Error).message }, 'read mark failed'))
        }, wait)
        return
      }
      await storeRead(client).catch((err) => log.warn({ err: (err as Error).message }, 'read mark failed'))
    },
    typing(client: Client, on: boolean) {
      const now = Date.now()
      if (on && now - client.typedAt < TYPING_EVERY_MS) return
      if (!on && client.typedAt === 0) return
      client.typedAt = on ? now : 0
      const signal = { userId: client.user.id, name: client.user.username, typing: on }
      return publish(roomTopic(prefix, client.room.id), encodeTyping(signal))
    },
    close() {
      for (const t of timers) clearInterval(t)
      presence.close()
      typing.close()
    },
  }
}

export type LiveFeatures = ReturnType<typeof liveFeatures>
