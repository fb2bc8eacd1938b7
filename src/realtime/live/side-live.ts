import type { Control } from '../../bus/wire.ts'
import { sideCheck } from '../../chat/side-check.ts'
import { liveSidebar } from '../../chat/sidebar.ts'
import type { RealtimeDeps } from '../deps.ts'
import type { Client } from '../socket/client.ts'
import { SideAccess } from './side-access.ts'
import { SideFrames } from './side-frames.ts'
import { type SideState, sideOf, startSide } from './side-state.ts'
import type { UnreadLive } from './unread-live.ts'

/**
 * A page's sidebar, live: exact counts when it connects, badges as messages come (UnreadLive), and entries
 * that follow access: a room its person may no longer read leaves the page and is never mentioned to it again.
 */
export function sideLive(
  deps: RealtimeDeps,
  unread: UnreadLive,
  sockets: { all: () => Iterable<Client>; of: (userId: number) => Iterable<Client> },
) {
  const frames = new SideFrames()
  const send = (client: Client, roomIds: number[]) => frames.send(client, roomIds)
  /** Rooms found renamed since their entries were last put back: those pages are sent the new name then. */
  const renamed = new Set<number>()
  const remember = (rooms: Parameters<SideFrames['remember']>[0]) => {
    for (const id of frames.remember(rooms)) renamed.add(id)
  }
  const access = new SideAccess(
    async (roomId, userIds) => {
      const { readers, room } = await sideCheck(deps.db, roomId, userIds)
      if (room) remember([room])
      return readers
    },
    {
      drop: (client, roomId) => frames.drop(client, roomId),
      restored(ids, byClient) {
        for (const [client, back] of byClient)
          send(
            client,
            back.filter((id) => renamed.has(id) && id !== client.room.id),
          )
        for (const id of ids) renamed.delete(id)
        unread.touch(ids)
      },
    },
    deps.log,
  )
  return {
    send,
    /** A page's sidebar counts start exact, from the database; from then on UnreadLive keeps them. */
    async start(client: Client) {
      const version = access.version
      const rooms = await liveSidebar(deps.db, client.user)
      const side: SideState = new Map()
      for (const r of rooms) side.set(r.id, unread.entry(r.id, client.user, r.unread, r.mentions))
      startSide(client, side)
      remember(rooms)
      // Access changed while the list was read: it may hold a room this person has just lost.
      if (version !== access.version) access.recheck([client])
      send(
        client,
        rooms.filter((r) => r.id !== client.room.id).map((r) => r.id),
      )
    },
    /** A notice from any node: the entries it may concern are checked again. */
    control(notice: Control) {
      if (notice.kind === 'room-access' || notice.kind === 'room-deleted')
        access.recheck(sockets.all(), [notice.id])
      else if (notice.kind === 'user-access') access.recheck(sockets.of(notice.id))
    },
    /** After a bus outage notices may have been lost: every entry is checked. */
    recheckAll: () => access.recheck(sockets.all()),
    /** Another page of this person read a room: their badges for it go to zero everywhere. */
    onRead(userId: number, roomId: number) {
      for (const client of sockets.of(userId)) {
        // The page reading the room does not show that room's badge at all.
        const e = client.room.id !== roomId ? sideOf(client)?.get(roomId) : undefined
        if (!e || (e.unread === 0 && e.mentions === 0)) continue
        Object.assign(e, { unread: 0, mentions: 0 })
        send(client, [roomId])
      }
    },
  }
}

export type SideLive = ReturnType<typeof sideLive>
