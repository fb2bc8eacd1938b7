import type { Server } from 'node:http'
import { WebSocket, WebSocketServer } from 'ws'
import { cookieNames } from '../auth/cookie-names.ts'
import { wireWriter } from '../bus/wire.ts'
import { eventsBetween } from '../chat/messages.ts'
import { readersAmong } from '../chat/rooms.ts'
import type { Announcer } from '../chat/types.ts'
import { renderEventFrame } from '../render/frames.ts'
import type { RealtimeDeps } from './deps.ts'
import { busAnnouncer } from './fanout/announcer.ts'
import { Hub } from './fanout/hub.ts'
import type { LoadFrames } from './fanout/room-channel.ts'
import { liveFeatures } from './live/features.ts'
import { listenToNode } from './node-topics.ts'
import { attachSocket, type ConnectionPorts } from './socket/connection.ts'
import { inTurns } from './socket/in-turns.ts'
import { inboxOf } from './socket/inbox.ts'
import { answersDue } from './socket/send.ts'
import { upgrade } from './socket/upgrade.ts'

/** How often each room with local sockets checks the database for anything its node missed. */
const RESYNC_MS = 30_000
// 64 KiB: room for a 4,000-character message of 4-byte characters, JSON-escaped, with its fields;
// anything bigger closes the socket with 1009 before it is buffered.
export const MAX_FRAME_BYTES = 64 * 1024

export interface Realtime {
  hub: Hub
  /** What the use cases announce new messages to: this node's sockets at once, the other nodes by the bus. */
  announce: Announcer
  /** Takes over the HTTP server's upgrade requests. */
  attach(server: Server): void
  /** Closes every socket with `code` (1012: restarting, clients reconnect) and stops the timers. */
  close(code: number, reason: string): void
  /**
   * Graceful stop: takes no new frames or sockets, lets the sends under way finish and their answers go
   * out (up to `graceMs`), then closes every socket with 1012 and waits briefly for the closes.
   */
  stop(graceMs: number): Promise<void>
}

/** How long a stopping node waits for its sockets to answer the 1012 close before it cuts them. */
export const CLOSE_WAIT_MS = 2000

function within(ms: number, work: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise((resolve) => {
    timer = setTimeout(resolve, ms)
  })
  return Promise.race([work, late]).finally(() => clearTimeout(timer))
}

/** The WebSocket side of one node. */
export function createRealtime(base: Omit<RealtimeDeps, 'announce'>): Realtime {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false })
  const load: LoadFrames = async (roomId, after, before) => {
    const page = await eventsBetween(base.db, roomId, after, before)
    const frames = page.events.map((e) => ({ seq: e.seq, html: renderEventFrame(e) }))
    return { frames, through: page.through, more: page.more }
  }
  const readers = (roomId: number, userIds: number[]) => readersAmong(base.db, roomId, userIds)
  const hub = new Hub(base.bus, base.config.busPrefix, load, base.log, readers, base.metrics)
  const wire = wireWriter(base.config.busWireVersion)
  if (base.config.busWireVersion === 0)
    base.log.warn('writing bus payloads as 0.1.0 did (BUS_WIRE_VERSION=0): unset it once no node runs 0.1.0')
  const announce = busAnnouncer(base.bus, hub, base.config.busPrefix, base.log, base.metrics, wire)
  const deps: RealtimeDeps = { ...base, announce }
  const gate = {
    wss,
    sessionCookie: cookieNames(deps.config).session,
    reserveIp: (ip: string) => hub.ips.reserve(ip, deps.config.limits.socketsPerIp),
    releaseIp: (ip: string) => hub.ips.release(ip),
  }
  base.bus.onReconnect(() => {
    base.metrics.busReconnected()
    hub.resyncAll()
  })
  const extras = liveFeatures(deps, hub, base.presence, wire)
  const ports: ConnectionPorts = {
    join: (c) => hub.join(c),
    leave: (c) => hub.leave(c),
    resumed: extras.resumed,
    read: extras.read,
    typing: extras.typing,
  }
  listenToNode(base.bus, base.config.busPrefix, base.log, { hub, live: extras })

  // Browsers answer pings by themselves; a socket that missed one since the last round is gone.
  const heartbeat = setInterval(() => {
    inTurns([...hub.clients], (client) => {
      if (!client.alive) client.ws.terminate()
      client.alive = false
      client.ws.ping()
    })
  }, deps.config.ws.heartbeatMs)
  const resync = setInterval(() => hub.resyncAll(), RESYNC_MS)
  heartbeat.unref()
  resync.unref()

  let stopping = false
  const close = (code: number, reason: string) => {
    clearInterval(heartbeat)
    clearInterval(resync)
    extras.close()
    hub.closeAll(code, reason)
    wss.close()
  }
  return {
    hub,
    announce,
    attach(server) {
      server.on('upgrade', (req, socket, head) => {
        if (stopping) return socket.destroy()
        socket.on('error', (err) => deps.log.debug({ err: err.message }, 'upgrade socket error'))
        upgrade(deps, gate, req, socket, head)
          .then((client) => client && attachSocket(deps, ports, client))
          .catch((err) => {
            deps.log.error({ err }, 'socket setup failed')
            socket.destroy()
          })
      })
    },
    close,
    async stop(graceMs) {
      stopping = true
      const clients = [...hub.clients]
      // Each socket's frames already taken, then the messages they are still storing (their answers last).
      const taken = clients.map((c) => inboxOf(c).stop())
      await within(graceMs, Promise.allSettled(clients.map((c, i) => taken[i]?.then(() => answersDue(c)))))
      const closed = clients.map((c) =>
        c.ws.readyState === WebSocket.CLOSED ? 0 : new Promise((resolve) => c.ws.once('close', resolve)),
      )
      close(1012, 'server restarting')
      await within(CLOSE_WAIT_MS, Promise.allSettled(closed))
      for (const c of hub.clients) c.ws.terminate()
    },
  }
}
