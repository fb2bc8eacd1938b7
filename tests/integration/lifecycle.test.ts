import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import { isolatedEnv } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { clientIdOf } from '../support/html.ts'
import { HttpUser } from '../support/http.ts'
import { spawnParley } from '../support/process.ts'
import { openSocket, upgradeStatus } from '../support/socket.ts'

for (const backend of backends()) {
  describe(`a real Parley process [${backend.name}]`, { timeout: 120_000 }, () => {
    let env: Record<string, string>
    let cleanup: () => Promise<void>
    before(async () => {
      ;({ env, cleanup } = await isolatedEnv(backend))
    })
    after(() => cleanup?.())

    it('checks path, Origin and session before the WebSocket handshake', async () => {
      const node = await spawnParley(env)
      try {
        const user = await HttpUser.signUp(node.url, 'gatekeeper')
        const cookie = user.cookieHeader
        assert.equal(await upgradeStatus(node.url, 'general', { cookie, origin: node.url }), 101)
        assert.equal(
          await upgradeStatus(node.url, 'general', { cookie, origin: 'https://evil.example' }),
          403,
        )
        assert.equal(
          await upgradeStatus(node.url, 'general', { cookie, origin: `${node.url}.evil.example` }),
          403,
        )
        assert.equal(await upgradeStatus(node.url, 'general', { cookie }), 403, 'a missing Origin is refused')
        assert.equal(await upgradeStatus(node.url, 'general', { origin: node.url }), 401)
        assert.equal(
          await upgradeStatus(node.url, 'general', { origin: node.url, cookie: 'parley_session=forged' }),
          401,
        )
        assert.equal(await upgradeStatus(node.url, 'no-such-room', { cookie, origin: node.url }), 404)
      } finally {
        node.child.kill('SIGKILL')
        await node.exited
      }
    })

    it('on SIGTERM closes sockets with 1012 and exits 0; after a restart the history is still there', async () => {
      const first = await spawnParley(env)
      const user = await HttpUser.signUp(first.url, 'survivor')
      const page = await user.get('/rooms/general')
      const res = await user.post('/rooms/general/messages', {
        body: 'written before the restart',
        client_id: clientIdOf(page.html),
      })
      assert.equal(res.status, 303)
      const socket = await openSocket(user, 'general')
      first.child.kill('SIGTERM')
      const closed = await socket.closed
      assert.equal(closed.code, 1012, 'htmx reconnects on 1012')
      assert.equal(await first.exited, 0)
      assert.ok(first.logs.some((l) => l.msg === 'parley stopped'))

      const second = await spawnParley(env)
      try {
        const again = new HttpUser(second.url)
        await again.get('/login')
        await again.post('/login', { username: 'survivor', password: 'correct horse battery' })
        const html = (await again.get('/rooms/general')).html
        assert.match(html, /written before the restart/)
      } finally {
        second.child.kill('SIGTERM')
        assert.equal(await second.exited, 0)
      }
    })

    it('lets an operator promote a user from the command line (npm run admin -- promote)', async () => {
      const node = await spawnParley(env)
      await HttpUser.signUp(node.url, 'first-admin')
      await HttpUser.signUp(node.url, 'operator-pick')
      node.child.kill('SIGTERM')
      await node.exited
      const run = promisify(execFile)
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', 'src/cli/admin.ts', 'promote', 'OPERATOR-pick'],
        {
          env: { ...process.env, ...env },
        },
      )
      assert.match(stdout, /operator-pick is now an admin/)
      const again = await spawnParley(env)
      try {
        const user = new HttpUser(again.url)
        await user.get('/login')
        await user.post('/login', { username: 'operator-pick', password: 'correct horse battery' })
        assert.match((await user.get('/')).html, /Signed in as <strong>operator-pick<\/strong> \(admin\)/)
      } finally {
        again.child.kill('SIGTERM')
        await again.exited
      }
    })
  })
}
