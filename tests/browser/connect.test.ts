import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startTestApp, type TestApp } from '../support/app.ts'
import { primaryBackend } from '../support/backends.ts'
import { launchChromium } from '../support/chromium.ts'
import { userContext } from './helpers.ts'

/** Whether the page's socket opens (data-ws="open") within a few seconds. */
async function connects(page: Page): Promise<boolean> {
  return page
    .locator('#room[data-ws="open"]')
    .waitFor({ timeout: 4000 })
    .then(() => true)
    .catch(() => false)
}

describe('the room socket connects', { timeout: 120_000 }, () => {
  let app: TestApp
  let browser: Browser
  let context: BrowserContext

  before(async () => {
    app = await startTestApp(primaryBackend())
    browser = await launchChromium()
    context = await userContext(browser, app.url, 'dana')
  })

  after(async () => {
    await browser?.close()
    await app?.close()
  })

  it('with a relative URL (the browser picks ws: or wss:)', async () => {
    const page = await context.newPage()
    await page.goto(`${app.url}/rooms/general`)
    const url = await page.locator('#room').getAttribute('hx-ws:connect')
    assert.equal(url, '/rooms/general/ws')
    assert.ok(url?.startsWith('/') && !url.startsWith('//'), `${url} is a path`)
    assert.doesNotMatch(url, /wss?:|https?:|127\.0\.0\.1|localhost/)
    await page.close()
  })

  it('on every page load, in whatever order the scripts arrive', { timeout: 90_000 }, async () => {
    const failed: string[] = []
    for (const slow of ['none', 'htmx.min.js', 'hx-ws.min.js', 'chat.js']) {
      for (let i = 0; i < 2; i++) {
        const page = await context.newPage()
        // A slow network: one script of the page arrives 300 ms after the others.
        await page.route(/\/(vendor|static)\/[^/]+\.js$/, async (route) => {
          if (route.request().url().endsWith(`/${slow}`)) await new Promise((r) => setTimeout(r, 300))
          await route.continue()
        })
        await page.goto(`${app.url}/rooms/general`)
        if (!(await connects(page))) failed.push(`${slow} slow, load ${i + 1}`)
        await page.close()
      }
    }
    assert.deepEqual(failed, [], 'every room page load opened its socket')
  })
})
