import assert from 'node:assert/strict'
import { after, afterEach, before, describe, it } from 'node:test'
import type { Running } from '../../src/server.ts'
import { addMember, closedWithin, createRoom, headFrames, say } from '../support/admin.ts'
import { startSiblingNode, startTestApp, type TestApp } from '../support/app.ts'
import { backends, NEEDS_SERVICES, servicesBackend } from '../support/backends.ts'
import { userId } from '../support/db-lookups.ts'
import { HttpUser } from '../support/http.ts'
import { latestSide, readySocket, waitSide } from '../support/live.ts'
import { freePort, hasRedisServer, RedisServer } from '../support/redis-server.ts'
import { settled, until } from '../support/settled.ts'
import type { TestSocket } from '../support/socket.ts'

/**
 * Issue 12, item 3: once a person may no longer read a private room (removed, the room made private, demoted),
 * their open pages in other rooms drop its sidebar entry and never hear of it again: not its counts, not its
 * name, not its address, not a new name.
 */

interface Mark {
  frames: number
  extras: number
}
const mark = (s: TestSocket): Mark => ({ frames: s.frames.length, extras: s.extras.length })
const dropFrame = (id: number) => `<hx-partial hx-target="#side-${id}" hx-swap="delete"></hx-partial>`

/** The raw frames a socket got since `m` that mention the room (its entry, its name or its address). */
function mentionsOf(s: TestSocket, m: Mark, id: number, words: string[]): string[] {
  const entry = new RegExp(`side-${id}"`)
  return [...s.frames.slice(m.frames), ...s.extras.slice(m.extras)].filter(
    (f) => f !== dropFrame(id) && (entry.test(f) || words.some((w) => f.includes(w))),
  )
}

/** The last sidebar entry the socket was sent for the room, as HTML (its name and address). */
function lastEntry(s: TestSocket, id: number): string | undefined {
  const target = `<hx-partial hx-target="#side-${id}" hx-swap="outerHTML">`
  return s.extras
    .flatMap((f) => f.split('</hx-partial>'))
    .filter((part) => part.startsWith(target))
    .at(-1)
}

/** A fresh room name per test, so that no other room's frames can contain it. */
let counter = 0
const fresh = (what: string) => {
  counter++
  return { name: `Hush ${what} ${counter}`, slug: `hush-${what}-${counter}` }
}

type Person = HttpUser & { username: string }

interface World {
  /** Where the admin acts and messages are posted. */
  admin: () => HttpUser
  /** The node the watched pages are on (the same one, or the other node). */
  base: () => string
  user: (name: string) => Promise<Person>
  app: () => TestApp
}

function cases(w: World, sockets: TestSocket[]) {
  const open = (u: HttpUser, slug = 'general') => readySocket(u, slug, sockets, { base: w.base() })

  /**
   * Posts into the private room until a remaining reader's page shows the unread count, then checks the
   * outsider's page was sent nothing about the room since `m` but the frame that drops its entry.
   */
  async function expectSilence(
    outsider: TestSocket,
    m: Mark,
    reader: TestSocket,
    room: { id: number; slug: string },
    words: string[],
  ) {
    for (const n of [1, 2]) {
      await say(w.admin(), room.slug, `secret ${n}`)
      await waitSide(reader, room.id, { unread: n }, `the remaining reader's badge: ${n}`)
    }
    await settled(outsider)
    assert.deepEqual(
      mentionsOf(outsider, m, room.id, words),
      [],
      'nothing about the room reaches the outsider',
    )
    assert.ok(
      [...outsider.frames.slice(m.frames), ...outsider.extras.slice(m.extras)].includes(dropFrame(room.id)),
      'the outsider’s page drops the entry',
    )
  }

  return {
    async removed() {
      const r = fresh('removed')
      const id = await createRoom(w.admin(), { ...r, private: true })
      const [ann, bea] = [await w.user('ann'), await w.user('bea')]
      await addMember(w.admin(), id, ann.username)
      await addMember(w.admin(), id, bea.username)
      const outsider = await open(ann)
      const viewing = await readySocket(ann, r.slug, sockets)
      const reader = await open(bea)
      await waitSide(outsider, id, { unread: 0 }, 'ann sees the room while a member')
      const m = mark(outsider)
      const res = await w
        .admin()
        .post(`/admin/rooms/${id}/members/${await userId(w.app(), ann.username)}/remove`, {})
      assert.equal(res.status, 303)
      assert.equal((await closedWithin(viewing)).code, 4403, 'the page of the room itself is closed')
      await expectSilence(outsider, m, reader, { id, slug: r.slug }, [r.name, `/rooms/${r.slug}`])
    },

    async madePrivate() {
      const r = fresh('private')
      const id = await createRoom(w.admin(), r)
      const [ann, bea] = [await w.user('ann'), await w.user('bea')]
      await addMember(w.admin(), id, bea.username)
      const outsider = await open(ann)
      const reader = await open(bea)
      await waitSide(outsider, id, { unread: 0 }, 'ann sees the open room')
      const m = mark(outsider)
      const res = await w.admin().post(`/admin/rooms/${id}`, { ...r, private: 'on' })
      assert.equal(res.status, 303)
      await expectSilence(outsider, m, reader, { id, slug: r.slug }, [r.name, `/rooms/${r.slug}`])
    },

    /**
     * One update makes an open room private and renames it: the page of someone who is not a member, open on
     * that very room, is closed with 4403 and never shown the new name or topic; a member's page gets them.
     */
    async madePrivateAndRenamed() {
      const r = fresh('head')
      const id = await createRoom(w.admin(), r)
      const [ann, bea] = [await w.user('ann'), await w.user('bea')]
      await addMember(w.admin(), id, bea.username)
      const outsider = await open(ann, r.slug)
      const member = await open(bea, r.slug)
      const m = mark(outsider)
      const renamed = { ...fresh('newhead'), topic: `Plans for ${counter}` }
      const res = await w.admin().post(`/admin/rooms/${id}`, { ...renamed, private: 'on' })
      assert.equal(res.status, 303)
      await member.waitFor(
        () => headFrames(member).some((f) => f.includes(renamed.name) && f.includes(renamed.topic)),
        'the member’s page shows the new name and topic',
      )
      assert.equal((await closedWithin(outsider)).code, 4403, 'the outsider’s page of the room is closed')
      const words = [renamed.name, renamed.topic, `/rooms/${renamed.slug}`]
      const seen = [...outsider.frames.slice(m.frames), ...outsider.extras.slice(m.extras)]
      assert.deepEqual(
        seen.filter((f) => words.some((x) => f.includes(x))),
        [],
        'no frame with the new name or topic reaches the outsider',
      )
    },

    async renamedWhileNotMember() {
      const r = fresh('renamed')
      const id = await createRoom(w.admin(), { ...r, private: true })
      const [ann, bea] = [await w.user('ann'), await w.user('bea')]
      await addMember(w.admin(), id, ann.username)
      await addMember(w.admin(), id, bea.username)
      const outsider = await open(ann)
      await waitSide(outsider, id, { unread: 0 }, 'ann sees the room while a member')
      const m = mark(outsider)
      await w.admin().post(`/admin/rooms/${id}/members/${await userId(w.app(), ann.username)}/remove`, {})
      const renamed = fresh('newname')
      const res = await w.admin().post(`/admin/rooms/${id}`, { ...renamed, private: 'on' })
      assert.equal(res.status, 303)
      // A page opened after the rename: its node now knows the new name and address.
      const reader = await open(bea)
      await waitSide(reader, id, { unread: 0 }, 'bea sees the renamed room')
      const words = [r.name, `/rooms/${r.slug}`, renamed.name, `/rooms/${renamed.slug}`]
      await expectSilence(outsider, m, reader, { id, slug: renamed.slug }, words)
    },

    /** A member's other pages show a room's new name and address at once (private or open), and keep them. */
    async renamedWhileMember(isPrivate = true) {
      const r = fresh('was')
      const id = await createRoom(w.admin(), { ...r, private: isPrivate })
      const bea = await w.user('bea')
      if (isPrivate) await addMember(w.admin(), id, bea.username)
      const member = await open(bea)
      await waitSide(member, id, { unread: 0 }, 'bea sees the room')
      const renamed = fresh('now')
      const res = await w
        .admin()
        .post(`/admin/rooms/${id}`, { ...renamed, ...(isPrivate && { private: 'on' }) })
      assert.equal(res.status, 303)
      const shows = () => {
        const html = lastEntry(member, id) ?? ''
        return html.includes(renamed.name) && html.includes(`/rooms/${renamed.slug}"`)
      }
      await member.waitFor(shows, 'the entry shows the new name and address')
      await say(w.admin(), renamed.slug, 'after the rename')
      await waitSide(member, id, { unread: 1 }, 'the badge moves')
      assert.ok(shows(), `still the new name: ${lastEntry(member, id)}`)
    },

    async demoted() {
      const r = fresh('demoted')
      const id = await createRoom(w.admin(), { ...r, private: true })
      const [dee, bea] = [await w.user('dee'), await w.user('bea')]
      await addMember(w.admin(), id, bea.username)
      const deeId = await userId(w.app(), dee.username)
      assert.equal((await w.admin().post(`/admin/people/${deeId}/promote`, {})).status, 303)
      const outsider = await open(dee)
      const reader = await open(bea)
      await waitSide(outsider, id, { unread: 0 }, 'dee, an admin, sees the private room')
      const m = mark(outsider)
      assert.equal((await w.admin().post(`/admin/people/${deeId}/demote`, {})).status, 303)
      await expectSilence(outsider, m, reader, { id, slug: r.slug }, [r.name, `/rooms/${r.slug}`])
    },

    async deactivated() {
      const r = fresh('gone')
      const id = await createRoom(w.admin(), { ...r, private: true })
      const eve = await w.user('eve')
      await addMember(w.admin(), id, eve.username)
      const page = await open(eve)
      await waitSide(page, id, { unread: 0 }, 'eve sees the room')
      const eveId = await userId(w.app(), eve.username)
      assert.equal((await w.admin().post(`/admin/people/${eveId}/deactivate`, {})).status, 303)
      const m = mark(page)
      assert.equal((await closedWithin(page)).code, 4401, 'a deactivated person’s pages are closed')
      await say(w.admin(), r.slug, 'after eve left')
      assert.deepEqual(mentionsOf(page, m, id, [r.name]), [])
    },
  }
}

/** People are made on first use, with a unique name per test so one test's removals never touch another's. */
function people(base: () => string) {
  let n = 0
  return async (name: string): Promise<Person> => {
    const username = `${name}${++n}`
    return Object.assign(await HttpUser.signUp(base(), username), { username })
  }
}

for (const backend of backends()) {
  describe(`sidebar entries follow room access [${backend.name}]`, { timeout: 120_000 }, () => {
    let app: TestApp
    let root: HttpUser
    const sockets: TestSocket[] = []
    const world: World = {
      admin: () => root,
      base: () => app.url,
      user: people(() => app.url),
      app: () => app,
    }
    const c = cases(world, sockets)
    before(async () => {
      app = await startTestApp(backend)
      root = await HttpUser.signUp(app.url, 'root')
    })
    afterEach(() => {
      for (const s of sockets.splice(0)) s.ws.terminate()
    })
    after(async () => app?.close())

    it('a member removed from a private room hears nothing more of it in their other pages', c.removed)
    it('an open room made private vanishes from the sidebars of those who are not members', c.madePrivate)
    it(
      'a room made private and renamed at once: an outsider viewing it is closed, never shown the new head',
      c.madePrivateAndRenamed,
    )
    it('a rename of a private room never reaches someone removed from it', c.renamedWhileNotMember)
    it('a private room renamed: its members’ other pages show the new name and address', () =>
      c.renamedWhileMember(true))
    it('an open room renamed: everyone’s other pages show the new name and address', () =>
      c.renamedWhileMember(false))
    it('a demoted admin loses the private rooms they are not a member of', c.demoted)
    it('a deactivated person’s pages are closed and sent nothing more', c.deactivated)
  })
}

const services = servicesBackend()

describe('sidebar entries follow room access across two nodes', {
  timeout: 120_000,
  skip: services ? false : NEEDS_SERVICES,
}, () => {
  let app: TestApp
  let other: Running
  let root: HttpUser
  const sockets: TestSocket[] = []
  // The admin acts on node A; the watched pages are on node B: the change travels over the bus.
  const world: World = {
    admin: () => root,
    base: () => other.url,
    user: people(() => app.url),
    app: () => app,
  }
  const c = cases(world, sockets)
  before(async () => {
    app = await startTestApp(services as NonNullable<typeof services>)
    other = await startSiblingNode(app)
    root = await HttpUser.signUp(app.url, 'root')
  })
  afterEach(() => {
    for (const s of sockets.splice(0)) s.ws.terminate()
  })
  after(async () => {
    await other?.stop()
    await app?.close()
  })

  it('removed: the other node drops the entry and sends nothing more', c.removed)
  it('made private: the other node drops the entry of those who are not members', c.madePrivate)
  it(
    'made private and renamed at once: the other node closes the outsider before the new head',
    c.madePrivateAndRenamed,
  )
  it(
    'renamed while not a member: the new name never reaches the other node’s outsider',
    c.renamedWhileNotMember,
  )
  it('renamed: the other node’s pages of its members show the new name', () => c.renamedWhileMember(true))
  it('an open room renamed: the other node’s pages show the new name', () => c.renamedWhileMember(false))
  it('demoted: the other node drops the private rooms', c.demoted)
})

const noRedisBinary =
  !hasRedisServer() && process.env.CI !== 'true' && 'needs a redis-server binary to restart'

describe('sidebar entries follow room access through a Redis outage', {
  timeout: 120_000,
  skip: services ? noRedisBinary : NEEDS_SERVICES,
}, () => {
  let own: RedisServer
  let app: TestApp
  let other: Running
  const sockets: TestSocket[] = []
  before(async () => {
    own = new RedisServer(await freePort())
    await own.start()
    app = await startTestApp(services as NonNullable<typeof services>, { REDIS_URL: own.url })
    other = await startSiblingNode(app)
  })
  after(async () => {
    for (const s of sockets) s.ws.terminate()
    await other?.stop()
    await app?.close()
    await own?.kill()
  })

  it('a removal whose notice was lost while Redis was down reaches the other node once it is back', async () => {
    const root = await HttpUser.signUp(app.url, 'root')
    const [ann, bea] = [await HttpUser.signUp(app.url, 'ann'), await HttpUser.signUp(app.url, 'bea')]
    const r = fresh('outage')
    const id = await createRoom(root, { ...r, private: true })
    await addMember(root, id, 'ann')
    await addMember(root, id, 'bea')
    const outsider = await readySocket(ann, 'general', sockets, { base: other.url })
    const reader = await readySocket(bea, 'general', sockets, { base: other.url })
    await waitSide(outsider, id, { unread: 0 }, 'ann sees the room while a member')
    const m = mark(outsider)
    await own.kill()
    await until(() => !app.bus.healthy() && !other.bus.healthy(), 'both nodes see Redis gone')
    const res = await root.post(`/admin/rooms/${id}/members/${await userId(app, 'ann')}/remove`, {})
    assert.equal(res.status, 303, 'removed, though no notice can travel')
    await own.start()
    await outsider.waitFor(
      () => outsider.extras.slice(m.extras).includes(dropFrame(id)),
      'the entry dropped once the other node is back on the bus',
      20_000,
    )
    await until(() => app.bus.healthy(), 'node A back on the bus too', 20_000)
    await say(root, r.slug, 'after the outage')
    await reader.waitFor(() => (latestSide(reader, id)?.unread ?? 0) >= 1, 'the reader’s badge moves', 10_000)
    await settled(outsider)
    assert.deepEqual(mentionsOf(outsider, m, id, [r.name, `/rooms/${r.slug}`]), [])
  })
})
