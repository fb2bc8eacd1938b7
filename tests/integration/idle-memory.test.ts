import assert from 'node:assert/strict'
import type { IncomingMessage } from 'node:http'
import { after, before, describe, it } from 'node:test'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { startTestApp, type TestApp } from '../support/app.ts'
import { primaryBackend } from '../support/backends.ts'
import { clientIdOf } from '../support/html.ts'
import { HttpUser } from '../support/http.ts'
import { openSocket, type TestSocket } from '../support/socket.ts'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** What an open, idle socket keeps in memory: the bench's idle figure comes from here. */
describe('an idle socket', { timeout: 60_000 }, () => {
  let app: TestApp
  const open: TestSocket[] = []
  before(async () => {
    app = await startTestApp(primaryBackend())
  })
  after(async () => {
    for (const s of open) s.ws.terminate()
    await app?.close()
  })

  it('keeps nothing of its upgrade request (headers, cookie) once it is open', async () => {
    const requests: Array<WeakRef<IncomingMessage>> = []
    app.server.on('upgrade', (req: IncomingMessage) => requests.push(new WeakRef(req)))
    const ann = await HttpUser.signUp(app.url, 'ann')
    for (let i = 0; i < 3; i++) open.push(await openSocket(ann, 'general'))
    const page = await ann.get('/rooms/general')
    const clientId = clientIdOf(page.html)
    await ann.post('/rooms/general/messages', { body: 'still here', client_id: clientId })
    await open[2]?.waitFor((fs) => fs.some((f) => f.includes('still here')), 'the socket live')
    assert.equal(requests.length, 3)
    // A WeakRef read keeps its object alive to the end of that job: collect in a job of its own, then read.
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 20))
      gc()
    }
    await new Promise((r) => setTimeout(r, 20))
    assert.equal(requests.filter((r) => r.deref()).length, 0, 'every request collected')
    for (const s of open) assert.equal(s.ws.readyState, s.ws.OPEN, 'while the sockets stay open')
  })
})
