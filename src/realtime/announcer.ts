import { type Bus, roomTopic } from '../bus/bus.ts'
import type { Announcer } from '../chat/types.ts'
import type { Logger } from '../log.ts'
import { renderMessageFrame } from '../render/frames.ts'
import { encodeFrame } from './envelope.ts'

/**
 * Renders a new message's frame once and publishes it on the room's topic; every node (this one included)
 * pushes it to its sockets. A failed publish is logged: the message is stored, and gap repair or catch-up
 * delivers it.
 */
export function busAnnouncer(bus: Bus, prefix: string, log: Logger): Announcer {
  return {
    messageCreated(room, message) {
      const payload = encodeFrame({ seq: message.seq, html: renderMessageFrame(message) })
      bus.publish(roomTopic(prefix, room.id), payload).catch((err: Error) => {
        log.warn(
          { room: room.id, seq: message.seq, err: err.message },
          'publish failed; catch-up will deliver',
        )
      })
    },
  }
}
