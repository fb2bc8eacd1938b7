import { activityTopic, type Bus, controlTopic, roomTopic } from '../../bus/bus.ts'
import type { Control, Frame, WireWriter } from '../../bus/wire.ts'
import type { Announcer, Message } from '../../chat/types.ts'
import type { Logger } from '../../log.ts'
import { mentionedNames } from '../../mentions.ts'
import type { Metrics } from '../../metrics/metrics.ts'
import { renderEventFrame, renderRoomFrame } from '../../render/frames.ts'
import type { Hub } from './hub.ts'

/**
 * Renders each room event's frame once, hands it to this node's sockets at once and publishes it for the other
 * nodes (this node drops its own copy when it comes back: same seq). A failed publish is logged: the event is
 * stored, and the other nodes' repair delivers it. Control notices (close these sockets) work the same way.
 * `wire` writes the bus payloads in the version this node was set to (wireWriter).
 */
export function busAnnouncer(
  bus: Bus,
  hub: Hub,
  prefix: string,
  log: Logger,
  metrics: Metrics,
  wire: WireWriter,
): Announcer {
  const publish = (topic: string, payload: string, what: object) =>
    bus.publish(topic, payload).catch((err: Error) => {
      log.warn({ ...what, err: err.message }, 'publish failed; other nodes will repair or recheck')
    })
  const room = (roomId: number, frame: Frame) => {
    hub.deliverLocal(roomId, frame)
    publish(roomTopic(prefix, roomId), wire.frame(frame), { room: roomId, seq: frame.seq })
  }
  // Mentioning yourself is no news to you: your own name is left out.
  const activity = (roomId: number, message: Message) => {
    const mentioned = mentionedNames(message.body).filter((n) => n !== message.author.toLowerCase())
    const payload = wire.activity({ roomId, authorId: message.authorId, mentioned, seq: message.seq })
    publish(activityTopic(prefix), payload, { room: roomId, seq: message.seq })
  }
  const control = (notice: Control) => {
    hub.control(notice)
    publish(controlTopic(prefix), wire.control(notice), notice)
  }
  return {
    messageCreated(r, message) {
      metrics.messageStored()
      activity(r.id, message)
      room(r.id, {
        seq: message.seq,
        html: renderEventFrame({ kind: 'created', seq: message.seq, message }),
        at: message.createdAt.getTime(),
      })
    },
    messageChanged(r, event) {
      // A message announced again (a retry found it stored, maybe never announced): counted in the unread
      // badges if it was not yet, once by its seq on every node.
      if (event.kind === 'created') activity(r.id, event.message)
      room(r.id, { seq: event.seq, html: renderEventFrame(event) })
    },
    roomChanged(r) {
      // Outside the seq order, so not deduplicated: through the bus only, which this node hears too. A private
      // room's head is sent by each node only to the sockets the database still lets read it (RoomPayload).
      const html = renderRoomFrame(r)
      const payload = r.private ? wire.privateHead(html) : wire.frame({ seq: 0, html })
      publish(roomTopic(prefix, r.id), payload, { room: r.id })
      // Its sidebar entries are checked again on every node, which reads its name and address anew: a private
      // room's new name goes to no sidebar that should not have it (even one a lost notice left behind), and
      // every sidebar that keeps the room shows the new name at once.
      control({ kind: 'room-access', id: r.id })
    },
    roomDeleted: (roomId) => control({ kind: 'room-deleted', id: roomId }),
    roomAccessChanged: (roomId) => control({ kind: 'room-access', id: roomId }),
    userAccessChanged: (userId) => control({ kind: 'user-access', id: userId }),
    userEnded: (userId) => control({ kind: 'user-ended', id: userId }),
    sessionEnded: (hash) => control({ kind: 'session-ended', hash }),
  }
}
