import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { startTestApp, type TestApp } from '../support/app.ts'
import { primaryBackend } from '../support/backends.ts'
import { launchChromium } from '../support/chromium.ts'
import { HttpUser } from '../support/http.ts'
import { openRoom, seqsOf, userContext, waitLive } from './helpers.ts'

// 4,000 characters that render to ~60 KB each (every "@a" is a mention): 40 are more than WS_MAX_BUFFERED_KB.
const LONG = '@a '.repeat(1331).trim()

interface Room extends HTMLElement {
  _htmx: { ws: { connection: { config: Record<string, unknown> } } }
}

describe('a page far behind, and a page whose socket keeps being closed', { timeout: 120_000 }, () => {
  let app: TestApp
  let browser: Browser
  let alice: HttpUser
  let bob: Page

  const post = async (slug: string, body: string) => {
    const res = await alice.post(`/rooms/${slug}/messages`, {
      body,
      client_id: randomBytes(9).toString('base64url'),
    })
    assert.equal(res.status, 303)
  }

  before(async () => {
    app = await startTestApp(primaryBackend())
    browser = await launchChromium()
    alice = await HttpUser.signUp(app.url, 'alice')
    await alice.post('/rooms', { name: 'Busy' })
    bob = await openRoom(await userContext(browser, app.url, 'bob'), app.url, 'busy')
  })

  after(async () => {
    await browser?.close()
    await app?.close()
  })

  it('shows all 40 long messages missed while hidden, in order, once, and stays live', async () => {
    const setHidden = (hidden: boolean) =>
      bob.evaluate((h) => {
        Object.defineProperty(document, 'hidden', { configurable: true, value: h })
        document.dispatchEvent(new Event('visibilitychange'))
      }, hidden)
    await setHidden(true)
    await bob.locator('#room[data-ws="closed"]').waitFor()
    for (let i = 0; i < 40; i++) await post('busy', `${i} ${LONG}`)
    await setHidden(false)
    await waitLive(bob)
    await bob.waitForFunction(
      () => document.querySelectorAll('#messages article.message').length >= 40,
      null,
      {
        timeout: 20_000,
      },
    )
    await post('busy', 'live again')
    await bob.waitForFunction(() => document.body.textContent?.includes('live again'), null, {
      timeout: 10_000,
    })
    assert.deepEqual(
      await seqsOf(bob),
      Array.from({ length: 41 }, (_, i) => i + 1),
      'every message once, in order',
    )
    assert.equal(await bob.locator('#room').getAttribute('data-ws'), 'open', 'still live')
  })

  it('backs off, longer each time, and says so', async () => {
    // Every socket to the room is accepted, then closed at once as a restarting server would (1012).
    const opened: number[] = []
    let cutting = true
    await bob.routeWebSocket(/\/rooms\/busy\/ws$/, (ws) => {
      if (!cutting) return ws.connectToServer()
      opened.push(Date.now())
      setTimeout(() => ws.close({ code: 1012, reason: 'cut' }), 50)
    })
    await bob.reload()
    await bob.evaluate(() => {
      const connection = (document.getElementById('room') as Room)._htmx.ws.connection
      Object.assign(connection.config, { reconnectDelay: 200, reconnectMaxDelay: 3000, reconnectJitter: 0 })
    })
    await bob.locator('#connection-status', { hasText: /Retrying in \d+ s/ }).waitFor({ timeout: 10_000 })
    const deadline = Date.now() + 20_000
    while (opened.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    const gaps = opened.slice(1).map((t, i) => t - (opened[i] as number))
    assert.ok(opened.length >= 5, `reconnected ${opened.length} times`)
    assert.ok(
      (gaps[3] as number) > 2.5 * (gaps[1] as number),
      `the waits grow: ${gaps.map((g) => `${g} ms`).join(', ')}`,
    )
    cutting = false
    // Live again (a mocked socket opens too, so a message has to come through): the notice is gone.
    await bob.locator('#connection-status').waitFor({ state: 'hidden', timeout: 10_000 })
    await post('busy', 'through at last')
    await bob.waitForFunction(() => document.body.textContent?.includes('through at last'), null, {
      timeout: 10_000,
    })
    assert.equal(await bob.locator('#connection-status').isHidden(), true, 'the notice is gone once live')
  })
})
