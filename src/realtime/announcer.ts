import { type Bus, controlTopic, roomTopic } from '../bus/bus.ts'
import type { Announcer } from '../chat/types.ts'
import type { Logger } from '../log.ts'
import type { Metrics } from '../metrics/metrics.ts'
import { renderMessageFrame } from '../render/frames.ts'
import { encodeFrame } from './envelope.ts'
import type { Hub } from './hub.ts'

/**
 * Renders a new message's frame once, hands it to this node's sockets at once and publishes it for the other
 * nodes (this node drops its own copy when it comes back: same seq). A failed publish is logged: the message
 * is stored, and the other nodes' repair delivers it.
 */
export function busAnnouncer(bus: Bus, hub: Hub, prefix: string, log: Logger, metrics: Metrics): Announcer {
  return {
    sessionEnded(sessionHash) {
      hub.closeSession(sessionHash)
      bus.publish(controlTopic(prefix), `session-ended ${sessionHash}`).catch((err: Error) => {
        log.warn(
          { err: err.message },
          'could not tell other nodes a session ended; its sockets fail at their next upgrade',
        )
      })
    },
    messageCreated(room, message) {
      metrics.messageStored()
      const frame = { seq: message.seq, html: renderMessageFrame(message), at: message.createdAt.getTime() }
      hub.deliverLocal(room.id, frame)
      bus.publish(roomTopic(prefix, room.id), encodeFrame(frame)).catch((err: Error) => {
        log.warn(
          { room: room.id, seq: message.seq, err: err.message },
          'publish failed; other nodes will repair',
        )
      })
    },
  }
}
