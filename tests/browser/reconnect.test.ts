import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { startTestApp, type TestApp } from '../support/app.ts'
import { primaryBackend } from '../support/backends.ts'
import { launchChromium } from '../support/chromium.ts'
import { HttpUser } from '../support/http.ts'
import { countBody, openRoom, seqsOf, userContext, waitForBody, waitLive } from './helpers.ts'

type Win = Window & { __sameDocument?: boolean }
interface Room extends HTMLElement {
  _htmx: { ws: { connection: { socket: WebSocket; config: Record<string, unknown> } } }
}

describe('a page that lost its socket catches up', { timeout: 120_000 }, () => {
  let app: TestApp
  let browser: Browser
  let alice: HttpUser
  let bob: Page

  /** Alice posts over plain HTTP (the no-JS path), which announces to the room like any message. */
  async function post(body: string): Promise<void> {
    const res = await alice.post('/rooms/general/messages', {
      body,
      client_id: randomBytes(9).toString('base64url'),
    })
    assert.equal(res.status, 303, `posting "${body}"`)
  }

  /** While bob's socket is down, alice posts three messages; then bob's page must show them once, in order. */
  async function missWhileClosed(tag: string, reconnect: () => Promise<void>): Promise<void> {
    await bob.locator('#room[data-ws="closed"]').waitFor()
    const missed = [1, 2, 3].map((i) => `${tag}: missed message ${i}`)
    for (const text of missed) await post(text)
    assert.equal(await bob.locator('#room').getAttribute('data-ws'), 'closed', 'bob was still offline')
    for (const text of missed) assert.equal(await countBody(bob, text), 0, 'nothing arrived while offline')

    await reconnect()
    await waitLive(bob)
    for (const text of missed) await waitForBody(bob, text)
    await post(`${tag}: and one live again`)
    await waitForBody(bob, `${tag}: and one live again`)

    for (const text of [...missed, `${tag}: and one live again`])
      assert.equal(await countBody(bob, text), 1, text)
    const seqs = await seqsOf(bob)
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
      'articles are in seq order',
    )
    assert.equal(new Set(seqs).size, seqs.length, 'no seq twice')
    assert.deepEqual(
      seqs,
      Array.from({ length: seqs.length }, (_, i) => i + 1),
      'no gaps',
    )
    assert.equal(await bob.evaluate(() => (window as Win).__sameDocument), true, 'the page was not reloaded')
  }

  before(async () => {
    app = await startTestApp(primaryBackend())
    browser = await launchChromium()
    alice = await HttpUser.signUp(app.url, 'alice')
    await alice.get('/rooms/general')
    bob = await openRoom(await userContext(browser, app.url, 'bob'), app.url, 'general')
    await post('Morning! Before anyone drops off')
    await waitForBody(bob, 'Morning! Before anyone drops off')
    await bob.evaluate(() => {
      ;(window as Win).__sameDocument = true
    })
  })

  after(async () => {
    await browser?.close()
    await app?.close()
  })

  it('after the connection drops and htmx reconnects by itself', { timeout: 60_000 }, async () => {
    // A client-side close without a code reaches htmx as 1005, which it reconnects on after its backoff;
    // the backoff is made a steady 1.5 s so the three posts certainly fall inside it.
    await bob.evaluate(() => {
      const connection = (document.getElementById('room') as Room)._htmx.ws.connection
      Object.assign(connection.config, { reconnectDelay: 1500, reconnectJitter: 0 })
      connection.socket.close()
    })
    await missWhileClosed('dropped', async () => {})
  })

  it('after the tab was hidden and shown again', { timeout: 60_000 }, async () => {
    // htmx closes the socket of a hidden tab and reopens it when the tab is visible again.
    const setHidden = (hidden: boolean) =>
      bob.evaluate((h) => {
        Object.defineProperty(document, 'hidden', { configurable: true, value: h })
        document.dispatchEvent(new Event('visibilitychange'))
      }, hidden)
    await setHidden(true)
    await missWhileClosed('hidden', () => setHidden(false))
  })
})
