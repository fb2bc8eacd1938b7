import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import { startTestApp, storedWithBody, type TestApp } from '../support/app.ts'
import { primaryBackend } from '../support/backends.ts'
import { launchChromium } from '../support/chromium.ts'
import { composer, countBody, openRoom, PASSWORD, userContext, waitForBody, waitLive } from './helpers.ts'

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

  it('are never sent by the next person who signs in in the same tab', async () => {
    const context = await userContext(browser, app.url, 'jon')
    // Jon's message never leaves his page (until he has signed out: then nothing is held back).
    await context.addInitScript(() => {
      const send = WebSocket.prototype.send
      WebSocket.prototype.send = function (data) {
        if (!sessionStorage.getItem('signed-out') && String(data).includes('left behind by jon')) return
        return send.call(this, data)
      }
    })
    const page = await openRoom(context, app.url, 'general')
    await composer(page).fill('left behind by jon')
    await page.getByRole('button', { name: 'Send' }).click()
    await page.locator('#sending > li').first().waitFor()
    // Jon signs out; Kim signs in in the same tab and opens the room.
    await page.evaluate(() => sessionStorage.setItem('signed-out', '1'))
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(/\/login/)
    await page.goto(`${app.url}/signup`)
    await page.getByLabel('Username').fill('kim')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign up' }).click()
    await page.waitForURL(`${app.url}/`)
    await page.goto(`${app.url}/rooms/general`)
    await waitLive(page)
    assert.equal(await page.locator('#sending > li').count(), 0, "Kim's page lists nothing of Jon's")
    await composer(page).fill('kim is here')
    await page.getByRole('button', { name: 'Send' }).click()
    await waitForBody(page, 'kim is here')
    assert.equal(await storedWithBody(app, 'left behind by jon'), 0, "Jon's text was never sent as Kim")
  })
})
