import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import { startTestApp, type TestApp } from '../support/app.ts'
import { primaryBackend } from '../support/backends.ts'
import { launchChromium } from '../support/chromium.ts'
import { storedWithBody } from '../support/db-lookups.ts'
import { composer, countBody, openRoom, userContext, waitForBody } from './helpers.ts'

interface Room extends HTMLElement {
  _htmx: { ws: { connection: { socket: WebSocket } } }
}

describe('a send when the socket is gone for good', { timeout: 60_000 }, () => {
  let app: TestApp
  let browser: Browser
  before(async () => {
    app = await startTestApp(primaryBackend())
    browser = await launchChromium()
  })
  after(async () => {
    await browser?.close()
    await app?.close()
  })

  it('falls back to a plain form post, and the message is stored and shown once', async () => {
    const page = await openRoom(await userContext(browser, app.url, 'dora'), app.url, 'general')
    // Code 1000 is a close htmx does not reconnect after: the connection is dropped for good.
    await page.evaluate(() =>
      (document.getElementById('room') as Room)._htmx.ws.connection.socket.close(1000),
    )
    await page.locator('#room[data-ws="closed"]').waitFor()
    const posted = page.waitForResponse(
      (r) => r.request().method() === 'POST' && r.url().endsWith('/rooms/general/messages'),
    )
    await composer(page).fill('sent while the socket was gone')
    await composer(page).press('Enter')
    assert.equal((await posted).status(), 303)
    await page.waitForURL(/\/rooms\/general#message-\d+$/)
    await waitForBody(page, 'sent while the socket was gone')
    assert.equal(await countBody(page, 'sent while the socket was gone'), 1)
    assert.equal(await storedWithBody(app, 'sent while the socket was gone'), 1)
  })
})
