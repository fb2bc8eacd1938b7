import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { startTestApp, type TestApp } from '../support/app.ts'
import { primaryBackend } from '../support/backends.ts'
import { launchChromium } from '../support/chromium.ts'
import {
  articlesWith,
  composer,
  countBody,
  openRoom,
  send,
  signUpInBrowser,
  userContext,
  waitForBody,
  waitLive,
} from './helpers.ts'

describe('chat in the browser', { timeout: 120_000 }, () => {
  let app: TestApp
  let browser: Browser
  let alice: Page
  let bob: Page
  const dialogs: string[] = []
  // htmx 4 must run under the strict CSP (no inline script, no eval): any violation shows in the console.
  const cspViolations: string[] = []

  before(async () => {
    app = await startTestApp(primaryBackend())
    browser = await launchChromium()
    const home = await signUpInBrowser(browser, app.url, 'alice') // the first account: admin
    await home.goto(`${app.url}/rooms/general`)
    await waitLive(home)
    alice = home
    bob = await openRoom(await userContext(browser, app.url, 'bob'), app.url, 'general')
    for (const page of [alice, bob]) {
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text())
      })
      page.on('dialog', (d) => {
        dialogs.push(d.message())
        void d.dismiss()
      })
    }
  })

  it('runs under the Content-Security-Policy without a single violation', async () => {
    await send(alice, 'checking the CSP')
    await waitForBody(bob, 'checking the CSP')
    await bob.reload()
    await waitLive(bob)
    assert.deepEqual(cspViolations, [])
  })

  after(async () => {
    await browser?.close()
    await app?.close()
  })

  it('shows each message live to both users, once, with the author', { timeout: 60_000 }, async () => {
    const hello = 'Hi Bob, the build is green again'
    await send(alice, hello)
    assert.equal(await composer(alice).inputValue(), '')
    const seen = articlesWith(bob, hello)
    await seen.waitFor()
    assert.equal(await seen.locator('.author').textContent(), 'alice')
    assert.ok(await seen.locator('time').getAttribute('datetime'))

    const reply = 'Great, thanks Alice!'
    await send(bob, reply, 'click')
    assert.equal(await composer(bob).inputValue(), '')
    await articlesWith(alice, reply).waitFor()
    assert.equal(await articlesWith(alice, reply).locator('.author').textContent(), 'bob')
    for (const page of [alice, bob]) {
      await waitForBody(page, reply)
      assert.equal(await countBody(page, hello), 1, 'the first message is shown once')
      assert.equal(await countBody(page, reply), 1, 'the reply is shown once')
    }
  })

  it('keeps another room out of it', { timeout: 60_000 }, async () => {
    await alice.goto(`${app.url}/`)
    await alice.getByLabel('Room name').fill('Side room')
    await alice.getByLabel('Topic (optional)').fill('Off-topic chatter')
    await alice.getByRole('button', { name: 'Create room' }).click()
    await alice.waitForURL(`${app.url}/rooms/side-room`)
    await alice.goto(`${app.url}/rooms/general`)
    await waitLive(alice)

    const carol = await openRoom(await userContext(browser, app.url, 'carol'), app.url, 'side-room')
    const general = 'Only for #general: lunch at noon?'
    await send(alice, general)
    await waitForBody(bob, general)
    const side = 'Anyone here in the side room?'
    await send(carol, side)
    await waitForBody(carol, side)
    const carolSees = await carol.$$eval('#messages .body', (els) => els.map((e) => e.textContent))
    assert.deepEqual(carolSees, [side], 'the side room shows only its own message')

    const later = 'Back in general'
    await send(bob, later)
    await waitForBody(alice, later)
    assert.equal(await countBody(alice, side), 0, 'general never shows the side room message')
    assert.equal(await countBody(bob, side), 0)
  })

  it('shows markup as text, links URLs and keeps newlines', { timeout: 60_000 }, async () => {
    const evil = '<img src=x onerror="window.__xss=1">'
    await send(alice, evil)
    for (const page of [bob, alice]) {
      await waitForBody(page, evil)
      assert.equal(await page.locator('#messages img').count(), 0, 'no <img> element was made')
    }
    await bob.reload()
    await waitLive(bob)
    assert.equal(await countBody(bob, evil), 1, 'the history render escapes it too')
    for (const page of [alice, bob]) {
      assert.equal(await page.evaluate(() => (window as { __xss?: unknown }).__xss), undefined)
    }

    const url = 'https://example.com/docs?a=1&b=2'
    const linked = `The release notes are at ${url}.`
    await send(alice, linked)
    await waitForBody(bob, linked)
    const link = articlesWith(bob, linked).locator('.body a')
    assert.equal(await link.count(), 1)
    assert.equal(await link.getAttribute('href'), url)
    assert.equal(await link.getAttribute('rel'), 'noopener nofollow ugc')
    assert.equal(await link.textContent(), url)

    await composer(bob).fill('first line')
    await composer(bob).press('Shift+Enter')
    await composer(bob).pressSequentially('second line')
    assert.equal(await composer(bob).inputValue(), 'first line\nsecond line', 'Shift+Enter is a newline')
    await composer(bob).press('Enter')
    await waitForBody(alice, 'first line\nsecond line')
    // innerText (not textContent): the newline must survive the page's rendering (CSS white-space).
    const shown = await articlesWith(alice, 'first line\nsecond line').locator('.body').innerText()
    assert.equal(shown, 'first line\nsecond line')
    assert.deepEqual(dialogs, [], 'no dialog was opened')
  })
})
