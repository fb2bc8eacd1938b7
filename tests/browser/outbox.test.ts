import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import { startTestApp, storedWithBody, type TestApp } from '../support/app.ts'
import { primaryBackend } from '../support/backends.ts'
import { launchChromium } from '../support/chromium.ts'
import { composer, countBody, openRoom, userContext, waitForBody, waitLive } from './helpers.ts'

const LOST = 'never reached the server before the reload'
const UNCONFIRMED = 'stored, but its answer was lost before the reload'

describe('messages still "sending…" when the page is reloaded', { timeout: 120_000 }, () => {
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

  it('are listed again after the reload and sent again: each stored once and shown once', async () => {
    const context = await userContext(browser, app.url, 'ivy')
    // Until the reload: the first message's frame never leaves the page, and no send is answered.
    await context.addInitScript((lost: string) => {
      if (sessionStorage.getItem('reloaded')) return
      const send = WebSocket.prototype.send
      WebSocket.prototype.send = function (data) {
        if (String(data).includes(lost)) return
        return send.call(this, data)
      }
      document.addEventListener('htmx:ws:before:message:incoming', (e) => {
        if (String((e as CustomEvent).detail.message.data).startsWith('<hx-partial hx-target="#send-'))
          e.preventDefault()
      })
    }, LOST)
    const ivy = await openRoom(context, app.url, 'general')
    for (const text of [LOST, UNCONFIRMED]) {
      await composer(ivy).fill(text)
      await ivy.getByRole('button', { name: 'Send' }).click()
    }
    await waitForBody(ivy, UNCONFIRMED)
    assert.equal(await ivy.locator('#sending > li').count(), 2, 'both still "sending…"')
    assert.equal(await storedWithBody(app, LOST), 0, 'the first never reached the server')

    await ivy.evaluate(() => sessionStorage.setItem('reloaded', '1'))
    await ivy.reload()
    await waitLive(ivy)
    await waitForBody(ivy, LOST)
    await ivy.waitForFunction(() => document.querySelectorAll('#sending > li').length === 0)
    for (const text of [LOST, UNCONFIRMED]) {
      assert.equal(await countBody(ivy, text), 1, `"${text}" shown once`)
      assert.equal(await storedWithBody(app, text), 1, `"${text}" stored once`)
    }
    // Confirmed: a second reload has nothing left to send.
    await ivy.reload()
    await waitLive(ivy)
    assert.equal(await ivy.locator('#sending > li').count(), 0, 'nothing listed after it was confirmed')
  })
})
