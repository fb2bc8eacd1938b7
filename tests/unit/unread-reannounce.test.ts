import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type Activity, decodeActivity, encodeActivity } from '../../src/bus/wire.ts'
import { type SideState, startSide } from '../../src/realtime/live/side-state.ts'
import { UnreadLive } from '../../src/realtime/live/unread-live.ts'
import type { Client } from '../../src/realtime/socket/client.ts'

/** A message's activity as another node's announcer publishes it and this node's subscriber decodes it. */
const activity = (roomId: number, authorId: number, mentioned: string[], seq?: number) =>
  decodeActivity(encodeActivity({ roomId, authorId, mentioned, seq })) as Activity

describe('live unread badges and a message announced twice', () => {
  it('counts a seq once, and a payload without a seq (an older node) as it comes', () => {
    const live = new UnreadLive()
    const user = { id: 9, username: 'ann' }
    const side: SideState = new Map([[2, live.entry(2, user, 0, 0)]])
    const client = { user, room: { id: 1 } } as unknown as Client
    startSide(client, side)
    live.onActivity(activity(2, 1, ['ann'], 7))
    live.onActivity(activity(2, 1, ['ann'], 7))
    live.onActivity(activity(2, 1, [], 8))
    live.onActivity(activity(2, 1, []))
    live.tick([client], () => undefined)
    assert.equal(side.get(2)?.unread, 3)
    assert.equal(side.get(2)?.mentions, 1)
  })

  it('forgets old seqs past a bound, never the recent ones', () => {
    const live = new UnreadLive()
    const user = { id: 9, username: 'ann' }
    const side: SideState = new Map([[2, live.entry(2, user, 0, 0)]])
    const client = { user, room: { id: 1 } } as unknown as Client
    startSide(client, side)
    for (let seq = 1; seq <= 5000; seq++) live.onActivity(activity(2, 1, [], seq))
    live.onActivity(activity(2, 1, [], 5000))
    live.tick([client], () => undefined)
    assert.equal(side.get(2)?.unread, 5000)
  })
})
