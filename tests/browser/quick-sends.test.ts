import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { startTestApp, storedWithBody, type TestApp } from '../support/app.ts'
import { primaryBackend } from '../support/backends.ts'
import { launchChromium } from '../support/chromium.ts'
import { composer, openRoom, userContext, waitForBody, waitLive } from './helpers.ts'

/** The body texts of the log's articles, in document order. */
const bodiesOf = (page: Page) =>
  page.$$eval('#messages article.message .body', (els) => els.map((e) => e.textContent ?? ''))

describe('quick sends, one after another without waiting', { timeout: 120_000 }, () => {
  let app: TestApp
  let browser: Browser
  let alice: Page
  let bob: Page

  before(async () => {
    app = await startTestApp(primaryBackend())
    browser = await launchChromium()
    alice = await openRoom(await userContext(browser, app.url, 'alice'), app.url, 'general')
    bob = await openRoom(await userContext(browser, app.url, 'bob'), app.url, 'general')
  })

  after(async () => {
    await browser?.close()
    await app?.close()
  })

  it('stores all 20 once, in order, and shows them so to the sender, another reader and after a reload', async (t) => {
    const sent = Array.from({ length: 20 }, (_, i) => `quick send number ${i + 1}`)
    const button = alice.getByRole('button', { name: 'Send' })
    const started = Date.now()
    for (const text of sent) {
      await composer(alice).fill(text)
      await button.click()
    }
    const typed = Date.now() - started
    const shown = await waitForBody(bob, sent.at(-1) as string).then(
      () => true,
      () => false,
    )
    if (!shown) {
      const stored = await Promise.all(sent.map((text) => storedWithBody(app, text)))
      assert.fail(`stored ${stored.filter((n) => n === 1).length} of 20 (per message: ${stored.join(',')})`)
    }
    await waitForBody(alice, sent.at(-1) as string)
    // Every pending "sending…" entry goes once its message is acknowledged.
    await alice.locator('#sending > li').first().waitFor({ state: 'detached', timeout: 10_000 })
    for (const text of sent) assert.equal(await storedWithBody(app, text), 1, `"${text}" stored once`)
    assert.deepEqual(await bodiesOf(alice), sent, "the sender's page: all 20, once, in order")
    assert.deepEqual(await bodiesOf(bob), sent, "another reader's page: all 20, once, in order")
    await alice.reload()
    await waitLive(alice)
    assert.deepEqual(await bodiesOf(alice), sent, 'after a reload: all 20, once, in order')
    assert.equal(await composer(alice).inputValue(), '', 'nothing left in the composer')
    t.diagnostic(`20 messages typed and sent in ${typed} ms; 20 stored, 20 shown on each page`)
  })

  it('keeps what is being typed while the answers to earlier sends come back', async () => {
    const button = bob.getByRole('button', { name: 'Send' })
    await composer(bob).fill('first of two')
    await button.click()
    await composer(bob).fill('half-typed second')
    await waitForBody(bob, 'first of two')
    await bob.locator('#sending > li').first().waitFor({ state: 'detached', timeout: 10_000 })
    assert.equal(await composer(bob).inputValue(), 'half-typed second', 'the text being typed is kept')
  })
})
