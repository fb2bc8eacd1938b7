import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import pino from 'pino'
import { type Readers, SideAccess } from '../../src/realtime/live/side-access.ts'
import { type SideEntry, sideOf, startSide } from '../../src/realtime/live/side-state.ts'
import type { Client } from '../../src/realtime/socket/client.ts'

const entry = (): SideEntry => ({ unread: 0, mentions: 0, seen: 0, own: 0, mentioned: 0 })
/** A page of `userId` whose sidebar shows `rooms`; its socket is open until the test closes it. */
const page = (userId: number, rooms: number[]) => {
  const client = { user: { id: userId }, ws: { readyState: 1 } } as unknown as Client
  startSide(client, new Map(rooms.map((r) => [r, entry()])))
  return client
}
const closeSocket = (c: Client) => Object.assign(c.ws, { readyState: 3 })

/** A database whose answers the test hands out one by one. */
function controlledReaders() {
  const asked: Array<{ roomId: number; userIds: number[]; answer: (ids: number[] | Error) => void }> = []
  const readers: Readers = (roomId, userIds) =>
    new Promise((resolve, reject) => {
      asked.push({
        roomId,
        userIds,
        answer: (ids) => (ids instanceof Error ? reject(ids) : resolve(new Set(ids))),
      })
    })
  return { asked, readers }
}

function setup() {
  const db = controlledReaders()
  const dropped: Array<[number, number]> = []
  const restored: number[][] = []
  const access = new SideAccess(
    db.readers,
    {
      drop: (c, roomId) => {
        sideOf(c)?.delete(roomId)
        dropped.push([c.user.id, roomId])
      },
      restored: (ids) => restored.push(ids),
    },
    pino({ level: 'silent' }),
  )
  return { db, dropped, restored, access }
}

const settle = () => new Promise((r) => setImmediate(r))

describe('sidebar entries follow access (SideAccess)', () => {
  it('holds the entries at once, then drops those the database refuses and puts back the rest', async () => {
    const { db, dropped, restored, access } = setup()
    const [ann, bea, cid] = [page(1, [7, 8]), page(2, [7]), page(3, [8])]
    access.recheck([ann, bea, cid], [7])
    assert.equal(sideOf(ann)?.has(7), false, 'nothing about room 7 can be sent while it is checked')
    assert.equal(sideOf(bea)?.has(7), false)
    assert.equal(sideOf(ann)?.has(8), true, 'other rooms are not touched')
    assert.deepEqual(
      db.asked.map((a) => [a.roomId, a.userIds]),
      [[7, [1, 2]]],
      'one question per room',
    )
    db.asked[0]?.answer([2])
    await settle()
    assert.deepEqual(dropped, [[1, 7]])
    assert.equal(sideOf(bea)?.has(7), true, 'a reader keeps it')
    assert.deepEqual(restored, [[7]], 'and its counts catch up')
  })

  it('asks again when a change comes in while it waits: the first answer may predate it', async () => {
    const { db, dropped, access } = setup()
    const [ann, bea] = [page(1, [7]), page(2, [7])]
    access.recheck([ann, bea], [7])
    access.recheck([ann, bea], [7]) // bea removed too, just after
    db.asked[0]?.answer([1, 2]) // an answer read before bea's removal
    await settle()
    assert.deepEqual(dropped, [], 'that answer is not used')
    assert.equal(db.asked.length, 2, 'asked again')
    db.asked[1]?.answer([1])
    await settle()
    assert.deepEqual(dropped, [[2, 7]])
    assert.equal(sideOf(ann)?.has(7), true)
  })

  it('keeps entries out while the database cannot say (and asks again later)', async () => {
    const { db, dropped, restored, access } = setup()
    const ann = page(1, [7])
    access.recheck([ann], [7])
    db.asked[0]?.answer(new Error('connection lost'))
    await settle()
    assert.equal(sideOf(ann)?.has(7), false, 'held: nothing about the room is sent')
    assert.deepEqual([dropped, restored], [[], []])
    access.recheck([]) // the next change (or the retry timer) checks what is held
    db.asked[1]?.answer([1])
    await settle()
    assert.equal(sideOf(ann)?.has(7), true)
  })

  it('lets go of the entries of pages closed while the database cannot say', async () => {
    const { db, dropped, restored, access } = setup()
    const [ann, bea] = [page(1, [7]), page(2, [7])]
    access.recheck([ann, bea], [7])
    db.asked[0]?.answer(new Error('connection lost'))
    await settle()
    closeSocket(ann)
    access.recheck([]) // the retry timer, or the next change
    assert.deepEqual(
      db.asked.slice(1).map((a) => [a.roomId, a.userIds]),
      [[7, [2]]],
      'a closed page is no longer asked about (nor kept)',
    )
    closeSocket(bea)
    db.asked[1]?.answer([2])
    await settle()
    assert.deepEqual([dropped, restored], [[], []], 'nothing is sent to a page closed meanwhile')
    access.recheck([])
    assert.equal(db.asked.length, 2, 'nothing is held any more')
  })

  it('checks every room of a page when its person’s access changed (demoted), and a deleted room goes', async () => {
    const { db, dropped, access } = setup()
    const dee = page(4, [7, 8, 9])
    access.recheck([dee])
    assert.equal(sideOf(dee)?.size, 0)
    assert.deepEqual(db.asked.map((a) => a.roomId).sort(), [7, 8, 9])
    for (const a of db.asked) a.answer(a.roomId === 8 ? [] : [4])
    await settle()
    assert.deepEqual(dropped, [[4, 8]])
    assert.deepEqual([...(sideOf(dee)?.keys() ?? [])].sort(), [7, 9])
  })

  it('bumps its version on every change, so a sidebar read from the database meanwhile is checked too', () => {
    const { access } = setup()
    const before = access.version
    access.recheck([], [7])
    assert.equal(access.version, before + 1)
  })
})
