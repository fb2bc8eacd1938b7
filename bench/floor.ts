/**
 * The floor: the least a multi-process room relay can do. A client opens ws://host/?room=R and sends text;
 * the relay publishes it on the Redis channel of room R; every relay process subscribed to that channel
 * pushes the raw text to its sockets in room R. No HTML, no storage, no auth.
 *   REDIS_URL=redis://127.0.0.1:6379 PORT=0 node --import tsx bench/floor.ts
 */
import { createServer } from 'node:http'
import { Redis } from 'ioredis'
import { WebSocket, WebSocketServer } from 'ws'

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const prefix = process.env.CHANNEL_PREFIX ?? 'floor:'
const pub = new Redis(redisUrl)
const sub = new Redis(redisUrl)
const rooms = new Map<string, Set<WebSocket>>()

await sub.psubscribe(`${prefix}*`)
sub.on('pmessageBuffer', (_pattern: Buffer, channel: Buffer, text: Buffer) => {
  const sockets = rooms.get(channel.toString().slice(prefix.length))
  if (!sockets) return
  for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws.send(text, { binary: false })
})

const server = createServer((_req, res) => res.writeHead(404).end())
const wss = new WebSocketServer({ server })
wss.on('connection', (ws, req) => {
  const room = new URL(req.url ?? '/', 'http://x').searchParams.get('room') ?? 'lobby'
  const sockets = rooms.get(room) ?? new Set<WebSocket>()
  rooms.set(room, sockets)
  sockets.add(ws)
  ws.on('message', (data) => void pub.publish(`${prefix}${room}`, data as Buffer))
  ws.on('close', () => sockets.delete(ws))
})

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  console.log(JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${port}` }))
})

const stop = () => {
  wss.close()
  server.close()
  pub.disconnect()
  sub.disconnect()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
