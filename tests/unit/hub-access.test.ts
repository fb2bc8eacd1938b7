import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import pino from 'pino'
import type { WebSocket } from 'ws'
import { memoryBus } from '../../src/bus/memory.ts'
import { wireWriter } from '../../src/bus/wire.ts'
import type { Room } from '../../src/chat/types.ts'
import { createMetrics } from '../../src/metrics/metrics.ts'
import { busAnnouncer } from '../../src/realtime/fanout/announcer.ts'
import { Hub, type Readers } from '../../src/realtime/fanout/hub.ts'
import { Client } from '../../src/realtime/socket/client.ts'

/** A live socket of `userId` in room `roomId` that records what it is sent and how it is closed. */
function page(userId: number, roomId: number) {
  const got: string[] = []
  const closes: number[] = []
  const ws = {
    readyState: 1,
    bufferedAmount: 0,
    send: (data: Buffer | string) => got.push(data.toString()),
    close(code: number) {
      closes.push(code)
      ws.readyState = 3
    },
  }
  const who = {
    user: { id: userId },
    room: { id: roomId, lastSeq: 0 },
    ip: '127.0.0.1',
    maxBuffered: 1 << 20,
    // Its upgrade read the session and access a moment ago: before any notice the test sends next.
    checkedAt: Date.now() - 1000,
  }
  const client = new Client(
    ws as unknown as WebSocket,
    who as unknown as ConstructorParameters<typeof Client>[1],
  )
  client.goLive(0)
  return { client, got, closes }
}

/** A database whose answers the test hands out one by one. */
function controlledReaders() {
  const asked: Array<{
    roomId: number
    userIds: number[]
    answer: (ids: number[]) => void
    fail: (err: Error) => void
  }> = []
  const readers: Readers = (roomId, userIds) =>
    new Promise((resolve, reject) =>
      asked.push({ roomId, userIds, answer: (ids) => resolve(new Set(ids)), fail: reject }),
    )
  return { asked, readers }
}

const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r))
}

/** Waits until `check` holds (the room writer sends at most every 16 ms), failing after 2 s. */
async function eventually(check: () => boolean, what: string) {
  const deadline = Date.now() + 2000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

function setup() {
  const db = controlledReaders()
  const bus = memoryBus()
  const log = pino({ level: 'silent' })
  const load = async () => ({ frames: [], through: 0, more: false })
  const hub = new Hub(bus, 'test', load, log, db.readers)
  const announce = busAnnouncer(bus, hub, 'test', log, createMetrics(), wireWriter(1))
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

describe('sockets follow room access: the new head of a private room, and frames while checking (issue 12, item 3)', () => {
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

  it('an open room’s new head goes to everyone in it, and nobody is closed', async () => {
    const { db, hub, announce } = setup()
    const [a, b] = [page(1, room.id), page(2, room.id)]
    await hub.join(a.client)
    await hub.join(b.client)
    announce.roomChanged({ ...room, private: false })
    await turns()
    for (const q of db.asked) q.answer(q.userIds)
    const heads = (p: typeof a) => p.got.filter((f) => f.includes('Plan B')).length
    await eventually(() => heads(a) === 1 && heads(b) === 1, 'the new head on both pages')
    for (const p of [a, b]) assert.deepEqual([p.got.length, p.closes], [1, []], 'once, and nobody closed')
  })

  it('holds the room’s frames from the sockets being checked until the database says they may stay', async () => {
    const { db, hub } = setup()
    const [member, outsider] = [page(1, room.id), page(2, room.id)]
    await hub.join(member.client)
    await hub.join(outsider.client)
    hub.control({ kind: 'room-access', id: room.id })
    hub.deliverLocal(room.id, { seq: 1, html: '<p>the secret plan</p>' })
    await turns()
    assert.deepEqual([member.got, outsider.got], [[], []], 'nothing while the check runs')
    db.asked[0]?.answer([1])
    await eventually(() => member.got.length > 0, 'the held frame')
    assert.deepEqual(member.got, ['<p>the secret plan</p>'], 'the member gets it once the answer is in')
    assert.deepEqual([outsider.got, outsider.closes], [[], [4403]], 'the outsider never, and is closed')
    hub.deliverLocal(room.id, { seq: 2, html: '<p>more</p>' })
    await eventually(() => member.got.length === 2, 'the next frame, live')
    assert.deepEqual(member.got, ['<p>the secret plan</p>', '<p>more</p>'], 'then live again')
  })

  it('closes the sockets being checked with 1011 (they come back through the door) if the database cannot say', async () => {
    const { db, hub } = setup()
    const a = page(1, room.id)
    await hub.join(a.client)
    hub.control({ kind: 'user-access', id: 1 })
    db.asked[0]?.fail(new Error('connection lost'))
    await turns()
    assert.deepEqual(a.closes, [1011])
  })

  it('checks again a socket that joins just after a notice about its room: its upgrade may have read access before', async () => {
    const { db, hub } = setup()
    hub.control({ kind: 'room-access', id: room.id })
    assert.equal(db.asked.length, 0, 'no socket here yet: nothing to ask')
    const late = page(2, room.id)
    let joined = false
    const join = hub.join(late.client).then(() => {
      joined = true
    })
    await turns()
    assert.equal(joined, false, 'its frames (the catch-up first) wait for the answer')
    assert.deepEqual(
      db.asked.map((a) => [a.roomId, a.userIds]),
      [[room.id, [2]]],
    )
    db.asked[0]?.answer([])
    await join
    assert.deepEqual(late.closes, [4403])
  })

  it('checks a joining socket of a person whose access just changed, and no other', async () => {
    const { db, hub } = setup()
    hub.control({ kind: 'user-access', id: 3 })
    await hub.join(page(1, room.id).client)
    assert.equal(db.asked.length, 0, 'someone else joining is not checked')
    const dee = page(3, room.id)
    const join = hub.join(dee.client)
    assert.deepEqual(
      db.asked.map((a) => a.userIds),
      [[3]],
    )
    db.asked[0]?.answer([3])
    await join
    assert.deepEqual(dee.closes, [], 'still allowed: stays')
  })
})
