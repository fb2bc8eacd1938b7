import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends, primaryBackend } from '../support/backends.ts'
import { HttpUser } from '../support/http.ts'
import { openSocket, pushedSeqs } from '../support/socket.ts'

const value = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1])

for (const backend of backends()) {
  describe(`GET /metrics [${backend.name}]`, { timeout: 60_000 }, () => {
    let app: TestApp
    before(async () => {
      app = await startTestApp(backend)
    })
    after(() => app?.close())

    it('counts open sockets, stored messages, delivered frames and their lag, in Prometheus text', async () => {
      const ann = await HttpUser.signUp(app.url, 'ann')
      const socket = await openSocket(ann, 'general')
      await ann.post('/rooms/general/messages', { body: 'counted', client_id: randomUUID() })
      await socket.waitFor(() => pushedSeqs(socket).length === 1, 'the message')
      const res = await fetch(`${app.url}/metrics`)
      assert.equal(res.status, 200)
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/)
      const text = await res.text()
      assert.equal(value(text, 'parley_open_sockets'), 1)
      assert.equal(value(text, 'parley_messages_stored_total'), 1)
      assert.equal(value(text, 'parley_frames_delivered_total'), 1)
      assert.equal(value(text, 'parley_delivery_lag_seconds_count'), 1)
      assert.equal(value(text, 'parley_db_pool_waiting'), 0)
      assert.ok(value(text, 'parley_process_resident_memory_bytes') > 0)
      socket.ws.terminate()
    })
  })
}

describe('GET /metrics with METRICS_TOKEN', { timeout: 60_000 }, () => {
  let app: TestApp
  before(async () => {
    app = await startTestApp(primaryBackend(), { METRICS_TOKEN: 'scrape-me' })
  })
  after(() => app?.close())

  it('wants the bearer token, even from this machine', async () => {
    const get = (auth?: string) =>
      fetch(`${app.url}/metrics`, { headers: auth ? { authorization: auth } : {} })
    assert.equal((await get()).status, 403)
    assert.equal((await get('Bearer wrong')).status, 403)
    assert.equal((await get('Bearer scrape-me')).status, 200)
  })
})
