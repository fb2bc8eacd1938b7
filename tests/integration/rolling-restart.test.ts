import assert from 'node:assert/strict'
import { after, afterEach, before, describe, it } from 'node:test'
import { Redis } from 'ioredis'
import pino from 'pino'
import { hashToken } from '../../src/auth/tokens.ts'
import { activityTopic, controlTopic, roomTopic } from '../../src/bus/bus.ts'
import { readConfig } from '../../src/config.ts'
import { renderMessageFrame, renderPresenceFrame } from '../../src/render/frames.ts'
import { type Running, startServer } from '../../src/server.ts'
import { addMember, closedWithin, createRoom } from '../support/admin.ts'
import { startSiblingNode, startTestApp, type TestApp } from '../support/app.ts'
import { NEEDS_SERVICES, servicesBackend } from '../support/backends.ts'
import { send } from '../support/cluster.ts'
import { userId } from '../support/db-lookups.ts'
import { HttpUser } from '../support/http.ts'
import { readySocket, typingLines, waitPresence, waitSide } from '../support/live.ts'
import { until } from '../support/settled.ts'
import { pushedBodies, type TestSocket } from '../support/socket.ts'
import * as lastRelease from '../support/wire-0.1.0.ts'

const services = servicesBackend()

/**
 * A rolling restart: node A still speaks the last release's bus formats (version 0, published here on its bus
 * as it would), node B runs this release and must still deliver all of it to its sockets. A payload of a
 * newer release is dropped without stopping what follows.
 */
describe('a node of the last release beside one of this release', {
  timeout: 90_000,
  skip: services ? false : NEEDS_SERVICES,
}, () => {
  let app: TestApp
  let other: Running
  let root: HttpUser
  let ann: HttpUser
  let ben: HttpUser
  const sockets: TestSocket[] = []
  /** What node A publishes, as the last release wrote it. */
  const publish = (topic: string, payload: string) => app.bus.publish(topic, payload)
  const prefix = () => app.env.BUS_PREFIX as string
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

  it('delivers its message frames, presence and typing; drops a newer release’s frame and goes on', async () => {
    const room = await createRoom(root, { name: 'Mixed' })
    const onB = await readySocket(ben, 'mixed', sockets, { base: other.url })
    const annId = await userId(app, 'ann')
    const topic = roomTopic(prefix(), room)
    const message = (seq: number, body: string) =>
      renderMessageFrame({
        id: 9000 + seq,
        roomId: room,
        seq,
        authorId: annId,
        author: 'ann',
        body,
        createdAt: new Date(),
      })

    await publish(topic, `1 ${Date.now()}\n${message(1, 'from the last release')}`)
    await onB.waitFor(() => pushedBodies(onB).get(1) === 'from the last release', 'a version 0 message frame')
    await publish(topic, `0\n${renderPresenceFrame(['ann', 'ben', 'zed'])}`)
    await waitPresence(onB, ['ann', 'ben', 'zed'], 'a version 0 presence frame')
    await publish(topic, `t ${annId} 1 ann`)
    await onB.waitFor(() => typingLines(onB).at(-1) === 'ann is typing…', 'a version 0 typing signal')

    await publish(topic, `{"v":2,"kind":"frame","seq":2}\n${message(2, 'from the next release')}`)
    await publish(topic, `2\n${message(2, 'the last release again')}`)
    await onB.waitFor(
      () => pushedBodies(onB).get(2) === 'the last release again',
      'the frame after a dropped one',
    )
    assert.ok(![...pushedBodies(onB).values()].includes('from the next release'), 'the newer frame dropped')
  })

  it('sends its private room heads to the room’s readers', async () => {
    const vault = await createRoom(root, { name: 'Vault', private: true })
    await addMember(root, vault, 'ann')
    const onB = await readySocket(ann, 'vault', sockets, { base: other.url })
    await publish(roomTopic(prefix(), vault), 'p\n<p id="vault-head">Vault, renamed</p>')
    await onB.waitFor((f) => f.includes('<p id="vault-head">Vault, renamed</p>'), 'a version 0 private head')
  })

  it('counts its activity in the badges and acts on its control notices', async () => {
    const tally = await createRoom(root, { name: 'Tally' })
    const annOnB = await readySocket(ann, 'general', sockets, { base: other.url })
    const benOnB = await readySocket(ben, 'general', sockets, { base: other.url })
    await publish(activityTopic(prefix()), `${tally} ${await userId(app, 'root')} ann 1`)
    await waitSide(annOnB, tally, { unread: 1, mentions: 1, mentioned: true }, 'a version 0 activity')
    await publish(controlTopic(prefix()), `user-ended ${await userId(app, 'ben')}`)
    assert.equal((await closedWithin(benOnB)).code, 4401, 'a version 0 control notice: signed out')
  })

  it('a node set to BUS_WIRE_VERSION=0 writes what the last release reads: its messages and sign-outs', async () => {
    const node0 = await startServer(
      readConfig({ ...app.env, BUS_WIRE_VERSION: '0' }),
      pino({ level: 'silent' }),
    )
    // The last release's node, as far as the bus goes: its readers, on what it hears.
    const ears = new Redis(app.backend.redisUrl as string)
    const heard: string[] = []
    try {
      const room = await createRoom(root, { name: 'Upgrade' })
      const [roomT, control, activity] = [
        roomTopic(prefix(), room),
        controlTopic(prefix()),
        activityTopic(prefix()),
      ]
      ears.on('message', (topic: string, payload: string) => heard.push(`${topic}\t${payload}`))
      await ears.subscribe(roomT, control, activity)
      const on = (topic: string) =>
        heard.filter((h) => h.startsWith(`${topic}\t`)).map((h) => h.slice(topic.length + 1))
      const cid = await HttpUser.signUp(node0.url, 'cid')
      const cidOn0 = await readySocket(cid, 'upgrade', sockets, { base: node0.url })
      const benOnB = await readySocket(ben, 'upgrade', sockets, { base: other.url })

      send(cidOn0, cid, 'to the last release @ben')
      await benOnB.waitFor(() => pushedBodies(benOnB).has(1), 'the message, on a node of this release')
      const frame = () =>
        on(roomT)
          .map(lastRelease.readRoom)
          .find((p) => p && 'frame' in p && p.frame.seq === 1)
      await until(() => frame() !== undefined, 'the message frame, read by the last release')
      const html = (frame() as { frame: lastRelease.Frame }).frame.html
      assert.ok(html.includes('to the last release'), 'its HTML, whole')
      // Everything node0 wrote on the room's topic (the presence frames too) is readable by the last release.
      for (const payload of on(roomT)) assert.ok(lastRelease.readRoom(payload), payload.slice(0, 80))
      const cidId = await userId(app, 'cid')
      await until(() => on(activity).length > 0, 'the activity')
      assert.deepEqual(lastRelease.readActivity(on(activity)[0] as string), {
        roomId: room,
        authorId: cidId,
        names: ['ben'],
        seq: 1,
      })

      const hash = hashToken(cid.cookie('parley_session') as string)
      assert.equal((await cid.post('/logout', {})).status, 303)
      const signedOut = () =>
        on(control)
          .map(lastRelease.decodeControl)
          .find((c) => c?.kind === 'session-ended')
      await until(() => signedOut() !== undefined, 'the sign-out notice, read by the last release')
      assert.deepEqual(signedOut(), { kind: 'session-ended', hash })
    } finally {
      ears.disconnect()
      await node0.stop()
    }
  })
})
