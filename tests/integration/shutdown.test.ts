import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { isolatedEnv } from '../support/app.ts'
import { backends } from '../support/backends.ts'
import { HttpUser } from '../support/http.ts'
import { spawnParley } from '../support/process.ts'
import { openSocket } from '../support/socket.ts'

/** The keys of the sends a page was told are stored (their acknowledgements). */
const ackedKeys = (frames: string[]) =>
  frames.flatMap((f) =>
    [...f.matchAll(/<li id="send-([^"]+)" class="send sent"/g)].map((m) => m[1] as string),
  )
const isAnswer = (f: string) => f.startsWith('<hx-partial hx-target="#send-')

/** Every message body stored in a room (up to the 50 of its page: the test sends 50). */
async function storedBodies(user: HttpUser, slug: string): Promise<string[]> {
  const html = (await user.get(`/rooms/${slug}`)).html
  return [...html.matchAll(/data-seq="\d+"[\s\S]*?<p class="body">([\s\S]*?)<\/p>/g)].map(
    (m) => m[1] as string,
  )
}

for (const backend of backends()) {
  describe(`stopping a node mid-burst [${backend.name}]`, { timeout: 120_000 }, () => {
    let env: Record<string, string>
    let cleanup: () => Promise<void>
    before(async () => {
      ;({ env, cleanup } = await isolatedEnv(backend))
    })
    after(() => cleanup?.())

    it('on SIGTERM answers every send it stored before closing with 1012, and stores nothing unanswered', async (t) => {
      const node = await spawnParley(env)
      const ann = await HttpUser.signUp(node.url, 'ann')
      const socket = await openSocket(ann, 'general')
      await socket.waitFor(() => true, 'open')
      const sent = new Map<string, string>()
      const burst = (n: number) => {
        for (let i = 0; i < n; i++) {
          const body = `burst ${sent.size}`
          const key = randomUUID()
          sent.set(key, body)
          socket.sendMessage({ body, client_id: key, _csrf: ann.csrf })
        }
      }
      burst(30)
      // Stores are under way (the first answer is back) when the signal comes; more sends keep arriving.
      await socket.waitFor((f) => f.some(isAnswer), 'the first answer')
      node.child.kill('SIGTERM')
      for (let i = 0; i < 5; i++) {
        burst(4)
        await new Promise((r) => setImmediate(r))
      }
      const closed = await socket.closed
      assert.equal(closed.code, 1012, 'closed as a restart (htmx reconnects)')
      assert.equal(await node.exited, 0)

      const again = await spawnParley(env)
      try {
        const reader = new HttpUser(again.url)
        await reader.get('/login')
        await reader.post('/login', { username: 'ann', password: 'correct horse battery' })
        const stored = await storedBodies(reader, 'general')
        const acked = ackedKeys(socket.frames).map((k) => sent.get(k))
        t.diagnostic(`sent ${sent.size}, stored ${stored.length}, acknowledged ${acked.length}`)
        assert.ok(stored.length > 0, 'some were stored before the signal')
        assert.equal(new Set(stored).size, stored.length, 'each stored once')
        assert.deepEqual(
          [...acked].sort(),
          [...stored].sort(),
          'every stored message was acknowledged to its page, and no other',
        )
      } finally {
        again.child.kill('SIGTERM')
        await again.exited
      }
    })
  })
}
