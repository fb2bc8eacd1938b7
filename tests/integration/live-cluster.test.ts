import assert from 'node:assert/strict'
import { after, afterEach, before, describe, it } from 'node:test'
import type { Running } from '../../src/server.ts'
import { createRoom, say } from '../support/admin.ts'
import { startSiblingNode, startTestApp, type TestApp } from '../support/app.ts'
import { NEEDS_SERVICES, servicesBackend } from '../support/backends.ts'
import { lastSeq } from '../support/db-lookups.ts'
import { HttpUser } from '../support/http.ts'
import {
  presenceLists,
  readySocket,
  sideUpdates,
  typingLines,
  waitPresence,
  waitSide,
} from '../support/live.ts'
import { settled } from '../support/settled.ts'
import type { TestSocket } from '../support/socket.ts'

const services = servicesBackend()

describe('live features across two nodes on one Postgres and one Redis', {
  timeout: 90_000,
  skip: services ? false : NEEDS_SERVICES,
}, () => {
  let app: TestApp
  let other: Running
  let root: HttpUser
  let ann: HttpUser
  let ben: HttpUser
  const sockets: TestSocket[] = []
  before(async () => {
    app = await startTestApp(services as NonNullable<typeof services>)
    other = await startSiblingNode(app)
    root = await HttpUser.signUp(app.url, 'root')
    ann = await HttpUser.signUp(app.url, 'ann')
    ben = await HttpUser.signUp(other.url, 'ben')
  })
  afterEach(() => {
    for (const s of sockets.splice(0)) s.ws.terminate()
  })
  after(async () => {
    await other?.stop()
    await app?.close()
  })

  it('lists who is here on either node, listing a person with pages on both once', async () => {
    await createRoom(root, { name: 'Atrium' })
    const onA = await readySocket(ann, 'atrium', sockets)
    const onB = await readySocket(ben, 'atrium', sockets, { base: other.url })
    await waitPresence(onA, ['ann', 'ben'], 'node A: ann and ben')
    await waitPresence(onB, ['ann', 'ben'], 'node B: ann and ben')
    const annOnB = await readySocket(ann, 'atrium', sockets, { base: other.url })
    assert.deepEqual(presenceLists(annOnB).at(-1), ['ann', 'ben'], 'ann listed once, with pages on both')
    await onB.close()
    await waitPresence(onA, ['ann'], 'ben left node B: for ann on A')
    await waitPresence(annOnB, ['ann'], 'and for ann on B')
    await onA.close()
    await annOnB.close()
    const late = await readySocket(ben, 'atrium', sockets)
    await waitPresence(late, ['ben'], 'everyone else gone, on both nodes')
  })

  it('passes typing to the room’s pages on the other node (and never back to the typist)', async () => {
    await createRoom(root, { name: 'Workshop' })
    const typist = await readySocket(ann, 'workshop', sockets)
    const annOnB = await readySocket(ann, 'workshop', sockets, { base: other.url })
    const reader = await readySocket(ben, 'workshop', sockets, { base: other.url })
    typist.sendJson({ type: 'typing' })
    await reader.waitFor(() => typingLines(reader).at(-1) === 'ann is typing…', 'ben on node B')
    await settled(annOnB)
    assert.ok(!typingLines(annOnB).some((l) => l.includes('ann')), 'ann’s page on B is not told of ann')
    reader.sendJson({ type: 'typing' })
    await typist.waitFor(() => typingLines(typist).at(-1) === 'ben is typing…', 'ann on node A')
  })

  it('keeps badges live for a page on one node from messages posted on the other', async () => {
    const room = await createRoom(root, { name: 'Relay' })
    const onB = await readySocket(ann, 'general', sockets, { base: other.url })
    await say(root, 'relay', 'posted through node A')
    await waitSide(onB, room, { unread: 1, mentioned: false }, 'ann on B: one unread')
    await say(root, 'relay', 'and @ann too')
    await waitSide(onB, room, { unread: 2, mentions: 1, mentioned: true }, 'ann on B: a mention')
  })

  it('clears the badge of the person’s pages on the other node when they read the room on this one', async () => {
    const room = await createRoom(root, { name: 'Mirror' })
    await say(root, 'mirror', 'one')
    await say(root, 'mirror', 'two')
    const onB = await readySocket(ann, 'general', sockets, { base: other.url })
    const benOnB = await readySocket(ben, 'general', sockets, { base: other.url })
    await waitSide(onB, room, { unread: 2 }, 'ann on B: two unread')
    await waitSide(benOnB, room, { unread: 2 }, 'ben on B: two unread')
    const reading = await readySocket(ann, 'mirror', sockets)
    reading.sendJson({ type: 'read', seq: await lastSeq(app, 'mirror') })
    await waitSide(onB, room, { unread: 0 }, 'ann on B: cleared')
    assert.equal(sideUpdates(benOnB, room).at(-1)?.unread, 2, 'ben’s badge stays')
  })
})
