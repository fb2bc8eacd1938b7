import type { WebSocket } from 'ws'
import { Client } from '../../src/realtime/socket/client.ts'

/** A Client of ann in room 1 over a stand-in socket, for unit tests of what it is sent. */
export function clientOver(ws: object, maxBuffered = 1 << 20): Client {
  const room = { id: 1, slug: 'r', name: 'r', topic: '', lastSeq: 0, private: false, archived: false }
  return new Client(ws as unknown as WebSocket, {
    user: { id: 1, username: 'ann', role: 'member' },
    room,
    csrf: 'x',
    sessionHash: 'h',
    ip: '127.0.0.1',
    maxBuffered,
  })
}
