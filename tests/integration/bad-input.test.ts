import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { request } from 'node:http'
import { after, before, describe, it } from 'node:test'
import { MAX_CURSOR } from '../../src/chat/validate.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { HttpUser, PASSWORD, type Page } from '../support/http.ts'
import { openSocket, upgradeStatus } from '../support/socket.ts'

const NUL = 'a\u0000b'

/** Every row count a refused request must leave as it was. */
async function counts(app: TestApp) {
  const n = async (table: 'users' | 'rooms' | 'messages' | 'audit_log' | 'room_members' | 'sessions') =>
    (await app.store.db.selectFrom(table).selectAll().execute()).length
  const rooms = await app.store.db.selectFrom('rooms').select(['name', 'slug', 'topic']).execute()
  return {
    users: await n('users'),
    rooms: await n('rooms'),
    messages: await n('messages'),
    audit: await n('audit_log'),
    members: await n('room_members'),
    sessions: await n('sessions'),
    roomText: JSON.stringify(rooms).length,
  }
}

function isClear4xx(res: Page, what: string): void {
  assert.ok(res.status >= 400 && res.status < 500, `${what}: got ${res.status}`)
  assert.doesNotMatch(res.html, /Something went wrong on our side/, what)
}

/** A raw POST whose body is labelled gzip but is not (fetch would not send it as is). */
function postRaw(
  base: string,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method: 'POST', headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c) => {
        text += c
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

for (const backend of backends()) {
  describe(`bad input gets a clear 4xx and changes nothing [${backend.name}]`, { timeout: 90_000 }, () => {
    let app: TestApp
    let root: HttpUser
    let roomId: number
    before(async () => {
      app = await startTestApp(backend)
      root = await HttpUser.signUp(app.url, 'root') // the first account: an admin
      await HttpUser.signUp(app.url, 'mia')
      const made = await root.post('/admin/rooms', { name: 'Lab', slug: 'lab', topic: '', private: '' })
      assert.equal(made.status, 303)
      roomId = Number(/\/admin\/rooms\/(\d+)/.exec(made.location ?? '')?.[1])
      const sent = await root.post('/rooms/lab/messages', { body: 'hello', client_id: randomUUID() })
      assert.equal(sent.status, 303)
    })
    after(() => app?.close())

    it('refuses a NUL in the sign-in username (signed out) and in the sign-up fields', async () => {
      const before = await counts(app)
      const v = new HttpUser(app.url)
      await v.get('/login')
      isClear4xx(await v.post('/login', { username: NUL, password: PASSWORD }), 'sign-in username')
      isClear4xx(await v.post('/login', { username: 'mia', password: `x${NUL}yyyyyyy` }), 'sign-in password')
      await v.get('/signup')
      isClear4xx(await v.post('/signup', { username: NUL, password: PASSWORD }), 'sign-up username')
      isClear4xx(
        await v.post('/signup', { username: 'nully', password: `pass${NUL}word` }),
        'sign-up password',
      )
      assert.deepEqual(await counts(app), before)
    })

    it('refuses a NUL in the search box and in a room address', async () => {
      const before = await counts(app)
      isClear4xx(await root.get(`/search?q=${encodeURIComponent(NUL)}`), 'search')
      isClear4xx(await root.get('/rooms/a%00b'), 'room page')
      isClear4xx(await root.get('/rooms/a%00b/messages?before=2'), 'history fragment')
      isClear4xx(await root.get('/rooms/a%00b/mentions?body=%40m'), 'mentions')
      isClear4xx(
        await root.post('/rooms/a%00b/messages', { body: 'hi', client_id: randomUUID() }),
        'post to a NUL room',
      )
      const headers = { cookie: root.cookieHeader, origin: app.url }
      const upgrade = await upgradeStatus(app.url, 'a%00b', headers)
      assert.ok(upgrade >= 400 && upgrade < 500, `socket upgrade: ${upgrade}`)
      assert.deepEqual(await counts(app), before)
    })

    it('refuses a NUL in every admin field', async () => {
      const before = await counts(app)
      const room = (over: Record<string, string>) => ({
        name: 'Ok',
        slug: '',
        topic: '',
        private: '',
        ...over,
      })
      const bad: Record<string, string>[] = [
        { name: NUL },
        { topic: NUL },
        { slug: NUL },
        { name: 'x', slug: 'x', topic: NUL },
      ]
      for (const fields of bad) {
        isClear4xx(await root.post('/admin/rooms', room(fields)), `create ${JSON.stringify(fields)}`)
        isClear4xx(
          await root.post(`/admin/rooms/${roomId}`, room(fields)),
          `update ${JSON.stringify(fields)}`,
        )
      }
      isClear4xx(await root.post('/rooms', { name: NUL, topic: '' }), 'quick create name')
      isClear4xx(await root.post('/rooms', { name: 'Fine', topic: NUL }), 'quick create topic')
      isClear4xx(await root.post(`/admin/rooms/${roomId}/members`, { username: NUL }), 'add member')
      isClear4xx(await root.post(`/admin/rooms/${roomId}/members/%00/remove`, {}), 'remove member')
      isClear4xx(await root.post('/admin/people/%00/promote', {}), 'promote')
      isClear4xx(await root.post('/admin/people/1%00/deactivate', {}), 'deactivate')
      isClear4xx(await root.get('/admin/people/%00/deactivate'), 'deactivate page')
      isClear4xx(await root.get('/admin/rooms/%00'), 'room by id')
      assert.deepEqual(await counts(app), before)
    })

    it('refuses history cursors outside the range of a message number', async () => {
      const before = await counts(app)
      // Past the range a message number can have (2147483647 too for ?around: the page ends after it).
      const past = [`${MAX_CURSOR + 1}`, '2147483647', '99999999999'].filter((n) => Number(n) > MAX_CURSOR)
      for (const query of [
        ...past.flatMap((n) => [`before=${n}`, `after=${n}`, `around=${n}`]),
        'before=-1',
        'before=abc',
        'before=1e3',
        'around=%00',
      ]) {
        isClear4xx(await root.get(`/rooms/lab?${query}`), `room page ?${query}`)
        // The fragment route reads before/after only (a plain browser is sent to the room page).
        const fragment = await root.get(`/rooms/lab/messages?${query}`, { 'HX-Request': 'true' })
        if (query.startsWith('around')) assert.ok(fragment.status < 500, `history ?${query}`)
        else isClear4xx(fragment, `history ?${query}`)
      }
      isClear4xx(await root.get(`/admin/audit?before=${MAX_CURSOR + 1}`), 'audit cursor')
      isClear4xx(await root.get('/messages/99999999999'), 'message id')
      isClear4xx(await root.get('/messages/99999999999/edit'), 'message edit id')
      assert.equal((await root.get('/rooms/lab?before=2')).status, 200, 'a cursor in range still works')
      assert.deepEqual(await counts(app), before)
    })

    it('answers a form body labelled gzip that is not gzip with 400/415, not 500', async () => {
      const before = await counts(app)
      for (const encoding of ['gzip', 'deflate', 'br', 'made-up']) {
        const res = await postRaw(
          app.url,
          '/rooms/lab/messages',
          {
            cookie: root.cookieHeader,
            'content-type': 'application/x-www-form-urlencoded',
            'content-encoding': encoding,
          },
          new URLSearchParams({ _csrf: root.csrf, body: 'zipped?', client_id: randomUUID() }).toString(),
        )
        assert.ok([400, 415].includes(res.status), `${encoding}: got ${res.status}`)
        assert.doesNotMatch(res.text, /Something went wrong on our side/)
      }
      assert.deepEqual(await counts(app), before)
    })

    it('survives a resume from past the range of a message number', async () => {
      const socket = await openSocket(root, 'lab', { lastSeq: 99999999999 })
      socket.sendMessage({ body: 'after a huge resume', client_id: randomUUID(), _csrf: root.csrf })
      await socket.waitFor((f) => f.some((x) => x.includes('after a huge resume')), 'the message')
      assert.equal(socket.ws.readyState, socket.ws.OPEN)
      await socket.close()
    })

    it('refuses a NUL over the socket with an inline error, and the socket stays', async () => {
      const before = await counts(app)
      const socket = await openSocket(root, 'lab')
      socket.sendMessage({ body: NUL, client_id: randomUUID(), _csrf: root.csrf })
      socket.sendMessage({ body: 'ok', client_id: `bad${NUL}id-xx`, _csrf: root.csrf })
      socket.sendJson({ type: `resume${NUL}`, last_seq: 0 })
      socket.sendJson({ type: 'read', seq: 99999999999 })
      socket.sendMessage({ body: 'after the NULs', client_id: randomUUID(), _csrf: root.csrf })
      await socket.waitFor((f) => f.some((x) => x.includes('after the NULs')), 'the good message')
      assert.ok(socket.frames.some((f) => f.includes('Messages cannot contain the NUL character.')))
      assert.equal(socket.ws.readyState, socket.ws.OPEN)
      assert.equal((await counts(app)).messages, (before.messages ?? 0) + 1)
      await socket.close()
    })
  })
}
