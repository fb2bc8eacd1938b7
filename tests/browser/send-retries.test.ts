import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startTestApp, type TestApp } from '../support/app.ts'
import { primaryBackend } from '../support/backends.ts'
import { launchChromium } from '../support/chromium.ts'
import { storedWithBody } from '../support/db-lookups.ts'
import { HttpUser } from '../support/http.ts'
import {
  composer,
  countBody,
  openRoom,
  postAs,
  send,
  sendThenType,
  userContext,
  waitForBody,
} from './helpers.ts'

type Frame = { body?: string; client_id?: string; resend?: boolean }

/**
 * Records what the page sends; `__answer(key)` says what to do with the server's answers to that send:
 * 'retry' turns the next one into "trying again", 'lose' drops them, anything else lets them through.
 */
async function instrument(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __sent: string[]; __mode: string[] }
    w.__sent = []
    w.__mode = []
    const send = WebSocket.prototype.send
    WebSocket.prototype.send = function (data) {
      w.__sent.push(String(data))
      return send.call(this, data)
    }
    document.addEventListener('htmx:ws:before:message:incoming', (e) => {
      const message = (e as CustomEvent).detail.message
      const key = /^<hx-partial hx-target="#send-([^"]+)"/.exec(String(message.data))?.[1]
      if (!key) return
      const mode = w.__mode.shift() ?? 'pass'
      if (mode === 'lose') e.preventDefault()
      else if (mode === 'retry')
        message.data = `<hx-partial hx-target="#send-${key}" hx-swap="outerHTML"><li id="send-${key}" class="send retry"><span class="body">x</span> <span class="state">Not sent yet</span></li></hx-partial>`
    })
  })
}

/** Waits until the log shows this text once. */
const shown = (page: Page, text: string, timeout: number) =>
  page.waitForFunction(
    (t) => [...document.querySelectorAll('#messages article.message .body')].some((e) => e.textContent === t),
    text,
    { timeout: Math.max(1, timeout) },
  )

const sentWith = async (page: Page, text: string) =>
  (await page.evaluate(() => (window as unknown as { __sent: string[] }).__sent))
    .map((d) => JSON.parse(d) as Frame)
    .filter((f) => f.body === text)

describe('sends answered "trying again"', { timeout: 120_000 }, () => {
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

  it('go again once per "trying again" answer, marked as resends, however many other frames arrive meanwhile', async (t) => {
    const context = await userContext(browser, app.url, 'erin')
    await instrument(context)
    const erin = await openRoom(context, app.url, 'general')
    const fay = await HttpUser.signUp(app.url, 'fay')
    // The first answer says "trying again"; the answer to the resend is lost (as with a socket that dies).
    await erin.evaluate(() => {
      ;(window as unknown as { __mode: string[] }).__mode = ['retry', 'lose', 'lose', 'lose', 'lose']
    })
    const text = 'its resend answer is lost'
    await composer(erin).fill(text)
    await erin.getByRole('button', { name: 'Send' }).click()
    await erin.locator('#sending > li.retry').waitFor()
    // Other people's messages keep coming while the entry says "trying again".
    const started = Date.now()
    for (let i = 0; Date.now() - started < 5000; i++) {
      await postAs(fay, 'general', `meanwhile ${i}`)
      await new Promise((r) => setTimeout(r, 200))
    }
    const tries = await sentWith(erin, text)
    t.diagnostic(`sent ${tries.length} times in 5 s of other frames`)
    assert.equal(tries.length, 2, 'once, and once again for the one "trying again" answer')
    assert.equal(tries[0]?.resend, undefined, 'the first try is no resend')
    assert.equal(tries[1]?.resend, true, 'the second is marked as a resend')
    assert.equal(tries[0]?.client_id, tries[1]?.client_id, 'with the same key')
    assert.equal(await storedWithBody(app, text), 1, 'stored once')
    await waitForBody(erin, text)
    assert.equal(await countBody(erin, text), 1, 'shown once')
  })
})

describe('several sends refused at once', { timeout: 120_000 }, () => {
  let app: TestApp
  let browser: Browser

  before(async () => {
    // Burst 1, a token every 3.3 s: quick sends past the first are refused as "Slow down".
    app = await startTestApp(primaryBackend(), { MESSAGE_BURST: '1', MESSAGES_PER_10S: '3' })
    browser = await launchChromium()
  })
  after(async () => {
    await browser?.close()
    await app?.close()
  })

  it('come back one at a time: the first into the box, the others listed with "Send again", never joined into one', async () => {
    const context = await userContext(browser, app.url, 'gil')
    await instrument(context)
    const gil = await openRoom(context, app.url, 'general')
    const texts = ['refused one', 'refused two', 'refused three']
    await composer(gil).fill('allowed')
    await gil.getByRole('button', { name: 'Send' }).click()
    await waitForBody(gil, 'allowed')
    // Three sends at once (as quick as a page resending after a reconnect): all three refused.
    await gil.evaluate((all) => {
      const form = document.getElementById('composer') as HTMLFormElement
      const box = document.getElementById('composer-body') as HTMLTextAreaElement
      for (const text of all) {
        box.value = text
        form.requestSubmit()
      }
    }, texts)
    const held = gil.locator('#sending > li.held')
    await held.nth(1).waitFor()
    assert.equal(await composer(gil).inputValue(), 'refused one', 'only the first refused text is in the box')
    assert.deepEqual(await held.locator('.body').allTextContents(), ['refused two', 'refused three'])
    assert.match(await gil.locator('#composer-error').innerText(), /Slow down/)
    // "Send again": the same key and text, as a resend: told "trying again" while too quick, never refused.
    // (each click turns its entry back into "sending…", so the next is the first one left)
    for (let i = 0; i < 2; i++) await held.first().getByRole('button', { name: 'Send again' }).click()
    for (const text of ['refused two', 'refused three']) await shown(gil, text, 30_000)
    // The box's text is a new send: refused as too quick it comes back into the box, and is sent again.
    for (let tries = 0; (await countBody(gil, 'refused one')) === 0; tries++) {
      assert.ok(tries < 8, '"refused one" sent from the box')
      if ((await composer(gil).inputValue()) === 'refused one')
        await gil.getByRole('button', { name: 'Send' }).click()
      await shown(gil, 'refused one', 4000).catch(() => undefined)
    }
    for (const text of [...texts, 'allowed'])
      assert.equal(await storedWithBody(app, text), 1, `"${text}" once`)
    const again = (await sentWith(gil, 'refused two')).concat(await sentWith(gil, 'refused three'))
    assert.ok(again.filter((f) => f.resend).length >= 2, 'sent again as resends')
    assert.equal(new Set(again.map((f) => f.client_id)).size, 2, 'each with its own first key')
  })

  it('a send refused while the next is being typed stays listed: the box keeps only what is typed', async () => {
    const context = await userContext(browser, app.url, 'hal')
    const hal = await openRoom(context, app.url, 'general')
    await send(hal, 'first, allowed', 'click')
    // Sent, then typing starts before the refusal comes back.
    await sendThenType(hal, 'too quick', 'half-typed next')
    const held = hal.locator('#sending > li.held')
    await held.first().waitFor()
    assert.equal(await composer(hal).inputValue(), 'half-typed next', 'never merged into what is typed')
    assert.deepEqual(await held.locator('.body').allTextContents(), ['too quick'])
    await held.first().getByRole('button', { name: 'Send again' }).click()
    await shown(hal, 'too quick', 30_000)
    assert.equal(await storedWithBody(app, 'too quick'), 1, 'stored once')
  })
})
