import { Redis } from 'ioredis'
import type { Logger } from '../log.ts'
import { distinctSorted, PRESENCE_TTL_MS, type PresenceStore } from './presence.ts'

/**
 * Presence in Redis: one sorted set per room, member "<node>\t<name>", score = when it expires. A node replaces
 * its own members; readers ignore expired ones, so a dead node's people fade out within the TTL.
 */
export async function redisPresence(
  url: string,
  prefix: string,
  nodeId: string,
  log: Logger,
): Promise<PresenceStore> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectionName: 'parley-presence',
    enableOfflineQueue: false,
  })
  redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis presence error'))
  await redis.connect()
  const key = (roomId: number) => `${prefix}presence:${roomId}`
  const mine = `${nodeId}\t`
  return {
    async put(roomId, names) {
      const k = key(roomId)
      const now = Date.now()
      const members = await redis.zrangebyscore(k, now, '+inf')
      const stale = members.filter((m) => m.startsWith(mine) && !names.includes(m.slice(mine.length)))
      const tx = redis.multi().zremrangebyscore(k, '-inf', now)
      if (stale.length > 0) tx.zrem(k, ...stale)
      for (const name of names) tx.zadd(k, now + PRESENCE_TTL_MS, mine + name)
      await tx.pexpire(k, PRESENCE_TTL_MS * 2).exec()
    },
    async list(roomId) {
      const members = await redis.zrangebyscore(key(roomId), Date.now(), '+inf')
      return distinctSorted(members.map((m) => m.slice(m.indexOf('\t') + 1)))
    },
    async close() {
      redis.disconnect()
    },
  }
}
