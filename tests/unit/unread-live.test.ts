import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type Activity, decodeActivity, encodeActivity } from '../../src/bus/wire.ts'
import { type SideState, sideOf, startSide } from '../../src/realtime/live/side-state.ts'
import { UnreadLive } from '../../src/realtime/live/unread-live.ts'
import type { Client } from '../../src/realtime/socket/client.ts'

const turn = () => new Promise((r) => setImmediate(r))

/** A message's activity as another node's announcer publishes it and this node's subscriber decodes it. */
const activity = (roomId: number, authorId: number, mentioned: string[], seq?: number) =>
  decodeActivity(encodeActivity({ roomId, authorId, mentioned, seq })) as Activity

describe('live unread badges', () => {
  it('folds new messages into every socket’s sidebar, a hundred sockets per turn of the event loop', async () => {
    const live = new UnreadLive()
    const clients = Array.from({ length: 250 }, (_, i) => {
      const user = { id: 100 + i, username: `u${i}` }
      const side: SideState = new Map([[2, live.entry(2, user, 0, 0)]])
      const client = { user, room: { id: 1 } } as unknown as Client
      startSide(client, side)
      return client
    })
    live.onActivity(activity(2, 1, ['u7']))
    live.onActivity(activity(2, 1, []))
    const sent: Array<[Client, number[]]> = []
    live.tick(clients, (client, rooms) => sent.push([client, rooms]))
    assert.equal(sent.length, 100, 'the first hundred at once')
    await turn()
    assert.equal(sent.length, 200)
    await turn()
    assert.equal(sent.length, 250, 'all of them, turn by turn')
    assert.deepEqual(
      sent.map(([, rooms]) => rooms),
      clients.map(() => [2]),
    )
    assert.deepEqual(sideOf(clients[7])?.get(2), { ...sideOf(clients[7])?.get(2), unread: 2, mentions: 1 })
    assert.equal(sideOf(clients[8])?.get(2)?.unread, 2)
    assert.equal(sideOf(clients[8])?.get(2)?.mentions, 0)
    live.tick(clients, (client, rooms) => sent.push([client, rooms]))
    await turn()
    assert.equal(sent.length, 250, 'nothing new, nothing sent')
  })
})
