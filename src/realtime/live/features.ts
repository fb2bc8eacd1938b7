import { controlTopic, roomTopic } from '../../bus/bus.ts'
import type { Activity, WireWriter } from '../../bus/wire.ts'
import { readUpTo } from '../../chat/sidebar.ts'
import type { PresenceStore } from '../../presence/presence.ts'
import { renderPresenceFrame, renderTypingFrame } from '../../render/frames.ts'
import type { RealtimeDeps } from '../deps.ts'
import type { Hub } from '../fanout/hub.ts'
import type { Client } from '../socket/client.ts'
import { PresenceLive, REFRESH_MS } from './presence-live.ts'
import { ReadMarks } from './read-marks.ts'
import { sideLive } from './side-live.ts'
import { TypingLive, TypingThrottle } from './typing-live.ts'
import { UnreadLive } from './unread-live.ts'

const UNREAD_TICK_MS = 1_000

/** The live features of a node: sidebar unread badges, who's here, who's typing (`wire`: see wireWriter). */
export function liveFeatures(deps: RealtimeDeps, hub: Hub, presenceStore: PresenceStore, wire: WireWriter) {
  const { bus, log } = deps
  const prefix = deps.config.busPrefix
  const unread = new UnreadLive()
  const publish = (topic: string, payload: string) =>
    bus.publish(topic, payload).catch((err: Error) => log.warn({ err: err.message }, 'publish failed'))
  const presence = new PresenceLive(
    presenceStore,
    (roomId) => hub.clientsOf(roomId),
    (roomId, names) =>
      publish(roomTopic(prefix, roomId), wire.frame({ seq: 0, html: renderPresenceFrame(names) })),
    log,
  )
  const typing = new TypingLive((roomId) => hub.clientsOf(roomId), renderTypingFrame, deps.clock)
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

  const marks = new ReadMarks(
    async (client, seq) => {
      await readUpTo(deps.db, client.user, client.room, seq)
      await publish(
        controlTopic(prefix),
        wire.control({ kind: 'read', id: client.user.id, roomId: client.room.id }),
      )
    },
    log,
    deps.clock,
  )
  const typists = new TypingThrottle(deps.clock)
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
    /** The page says it has read up to `seq`: stored, throttled (ReadMarks). */
    read: (client: Client, seq: number) => marks.read(client, seq),
    /** The page's person typed (or sent, or stopped): the room hears it, at most every TYPING_EVERY_MS. */
    typing(client: Client, on: boolean) {
      if (!typists.changed(client, on)) return
      const signal = { userId: client.user.id, name: client.user.username, typing: on }
      return publish(roomTopic(prefix, client.room.id), wire.typing(signal))
    },
    close() {
      for (const t of timers) clearInterval(t)
      presence.close()
      typing.close()
    },
  }
}

export type LiveFeatures = ReturnType<typeof liveFeatures>
