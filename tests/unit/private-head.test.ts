import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import pino from 'pino'
import { memoryBus } from '../../src/bus/memory.ts'
import type { Room } from '../../src/chat/types.ts'
import { createMetrics } from '../../src/metrics/metrics.ts'
import { busAnnouncer } from '../../src/realtime/announcer.ts'
import type { Client, OutFrame } from '../../src/realtime/client.ts'
import { Hub, type Readers } from '../../src/realtime/hub.ts'

/** A socket of `userId` in room `roomId` that records what it is sent and how it is closed. */
function page(userId: number, roomId: number) {
  const got: string[] = []
  const closes: number[] = []
  const take = (f: OutFrame) => got.push(f.data.toString())
  const client = {
    user: { id: userId },
    room: { id: roomId, lastSeq: 0 },
    ip: '127.0.0.1',
    ws: { close: (code: number) => closes.push(code) },
    deliver: take,
    deliverMany: (frames: OutFrame[]) => frames.forEach(take),
  } as unknown as Client
  return { client, got, closes }
}

/** A database whose answers the test hands out one by one. */
function controlledReaders() {
  const asked: Array<{ roomId: number; userIds: number[]; answer: (ids: number[]) => void }> = []
  const readers: Readers = (roomId, userIds) =>
    new Promise((resolve) => asked.push({ roomId, userIds, answer: (ids) => resolve(new Set(ids)) }))
  return { asked, readers }
}

const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r))
}

function setup() {
  const db = controlledReaders()
  const bus = memoryBus()
  const log = pino({ level: 'silent' })
  const load = async () => ({ frames: [], through: 0, more: false })
  const hub = new Hub(bus, 'test', load, log, db.readers)
  const announce = busAnnouncer(bus, hub, 'test', log, createMetrics())
  return { db, hub, announce }
}

const room: Room = {
  id: 7,
  slug: 'plans-b',
  name: 'Plan B',
  topic: 'The layoffs',
  lastSeq: 0,
  private: true,
  archived: false,
}

describe('a private room’s new head goes only to those who may still read it (issue 12, item 3)', () => {
  it('is sent to nobody until the database answers, then to its readers; the others are closed', async () => {
    const { db, hub, announce } = setup()
    const [member, outsider] = [page(1, room.id), page(2, room.id)]
    await hub.join(member.client)
    await hub.join(outsider.client)
    announce.roomChanged(room)
    await turns()
    assert.equal(member.got.length, 0, 'nothing before the database has said who may read the room')
    assert.equal(outsider.got.length, 0)
    assert.ok(db.asked.length > 0, 'the database is asked')
    for (const a of db.asked) {
      assert.equal(a.roomId, room.id)
      a.answer(a.userIds.filter((id) => id === 1))
    }
    await turns()
    assert.equal(member.got.filter((f) => f.includes('Plan B') && f.includes('The layoffs')).length, 1)
    assert.deepEqual(outsider.got, [], 'the outsider never gets the new name or topic')
    assert.ok(outsider.closes.includes(4403), 'the outsider is closed: no access')
    assert.deepEqual(member.closes, [])
  })

  it('an open room’s new head goes to everyone at once, not waiting for the database', async () => {
    const { db, hub, announce } = setup()
    const [a, b] = [page(1, room.id), page(2, room.id)]
    await hub.join(a.client)
    await hub.join(b.client)
    announce.roomChanged({ ...room, private: false })
    await turns()
    for (const p of [a, b]) assert.equal(p.got.filter((f) => f.includes('Plan B')).length, 1)
    for (const q of db.asked) q.answer(q.userIds)
    await turns()
    for (const p of [a, b]) assert.deepEqual([p.got.length, p.closes], [1, []], 'once, and nobody closed')
  })
})
