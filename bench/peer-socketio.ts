/**
 * The peer: Socket.IO with @socket.io/redis-adapter doing the same rooms as the floor. A client connects with
 * query `room`, is joined to it, and emits 'msg' with text; the server emits it to the room (locally at once,
 * and through Redis to every other process of the same cluster).
 *   REDIS_URL=redis://127.0.0.1:6379 PORT=0 node --import tsx bench/peer-socketio.ts
 */
import { createServer } from 'node:http'
import { createAdapter } from '@socket.io/redis-adapter'
import { Redis } from 'ioredis'
import { Server } from 'socket.io'

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const pub = new Redis(redisUrl)
const sub = pub.duplicate()
const server = createServer()
const io = new Server(server, {
  adapter: createAdapter(pub, sub, { key: process.env.CHANNEL_PREFIX ?? 'bench-sio' }),
  transports: ['websocket'],
})

io.on('connection', (socket) => {
  const room = String(socket.handshake.query.room ?? 'lobby')
  void socket.join(room)
  socket.on('msg', (text: string) => io.to(room).emit('msg', text))
})

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  console.log(JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${port}` }))
})

const stop = () => {
  io.close()
  pub.disconnect()
  sub.disconnect()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
