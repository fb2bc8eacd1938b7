import type { Server } from 'node:http'
import { WebSocketServer } from 'ws'
import { cookieNames } from '../auth/cookie-names.ts'
import { messagesBetween } from '../chat/messages.ts'
import { renderMessageFrame } from '../render/frames.ts'
import type { RealtimeDeps } from './deps.ts'
import { Hub } from './hub.ts'
import type { LoadFrames } from './room-channel.ts'
import { attachSocket } from './socket.ts'
import { upgrade } from './upgrade.ts'

const HEARTBEAT_MS = 30_000
export const MAX_FRAME_BYTES = 64 * 1024

export interface Realtime {
  hub: Hub
  /** Closes every socket with `code` (1012: restarting, clients reconnect) and stops the heartbeat. */
  close(code: number, reason: string): void
}

/** The WebSocket side of one node, on the HTTP server's upgrade event. */
export function startRealtime(deps: RealtimeDeps, server: Server): Realtime {
  // 64 KiB: room for a 4,000-character message of 4-byte characters, JSON-escaped, with its fields;
  // anything bigger closes the socket with 1009 before it is buffered.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false })
  const load: LoadFrames = async (roomId, after, before) =>
    (await messagesBetween(deps.db, roomId, after, before)).map((m) => ({
      seq: m.seq,
      html: renderMessageFrame(m),
    }))
  const hub = new Hub(deps.bus, deps.config.busPrefix, load, deps.log)
  const sessionCookie = cookieNames(deps.config).session

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', (err) => deps.log.debug({ err: err.message }, 'upgrade socket error'))
    upgrade(deps, wss, sessionCookie, req, socket, head)
      .then((client) => client && attachSocket(deps, hub, client))
      .catch((err) => deps.log.error({ err }, 'socket setup failed'))
  })

  // Browsers answer pings by themselves; a socket that missed one since the last round is gone.
  const heartbeat = setInterval(() => {
    for (const client of hub.clients) {
      if (!client.alive) client.ws.terminate()
      client.alive = false
      client.ws.ping()
    }
  }, HEARTBEAT_MS)
  heartbeat.unref()

  return {
    hub,
    close(code, reason) {
      clearInterval(heartbeat)
      hub.closeAll(code, reason)
      wss.close()
    },
  }
}
