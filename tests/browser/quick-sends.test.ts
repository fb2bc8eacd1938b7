import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { startTestApp, type TestApp } from '../support/app.ts'
import { primaryBackend } from '../support/backends.ts'
import { launchChromium } from '../support/chromium.ts'
import { storedWithBody } from '../support/db-lookups.ts'
import { composer, countBody, openRoom, userContext, waitForBody, waitLive } from './helpers.ts'

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

  it('keeps a send that was never answered as "sending…" and sends it again, same key, after a reconnect', async () => {
    const context = await userContext(browser, app.url, 'carl')
    // Records what the page sends, and can lose the answers to sends on the way in.
    await context.addInitScript(() => {
      const w = window as unknown as { __sent: string[]; __loseAnswers: boolean }
      w.__sent = []
      const send = WebSocket.prototype.send
      WebSocket.prototype.send = function (data) {
        w.__sent.push(String(data))
        return send.call(this, data)
      }
      document.addEventListener('htmx:ws:before:message:incoming', (e) => {
        const data = String((e as CustomEvent).detail.message.data)
        if (w.__loseAnswers && data.startsWith('<hx-partial hx-target="#send-')) e.preventDefault()
      })
    })
    const carl = await openRoom(context, app.url, 'general')
    await carl.evaluate(() => {
      ;(window as unknown as { __loseAnswers: boolean }).__loseAnswers = true
    })
    const text = 'its answer was lost on the way'
    await composer(carl).fill(text)
    await carl.getByRole('button', { name: 'Send' }).click()
    await waitForBody(carl, text)
    const entry = carl.locator('#sending > li')
    assert.match((await entry.textContent()) ?? '', /its answer was lost on the way sending…/)
    await carl.evaluate(() => {
      ;(window as unknown as { __loseAnswers: boolean }).__loseAnswers = false
      const room = document.getElementById('room') as unknown as {
        _htmx: { ws: { connection: { socket: WebSocket; config: Record<string, unknown> } } }
      }
      Object.assign(room._htmx.ws.connection.config, { reconnectDelay: 100, reconnectJitter: 0 })
      room._htmx.ws.connection.socket.close()
    })
    await entry.waitFor({ state: 'detached', timeout: 10_000 })
    const sent = await carl.evaluate(() => (window as unknown as { __sent: string[] }).__sent)
    const frames = sent.map((d) => JSON.parse(d) as { type?: string; body?: string; client_id?: string })
    const tries = frames.filter((f) => f.body === text)
    assert.equal(tries.length, 2, 'sent twice: once, and again after the reconnect')
    assert.equal(tries[0]?.client_id, tries[1]?.client_id, 'with the same key')
    const resumes = frames.flatMap((f, i) => (f.type === 'resume' ? [i] : []))
    assert.ok(
      (resumes[1] ?? Infinity) < frames.indexOf(tries[1] as object),
      'again after the new socket said where it was',
    )
    assert.equal(await storedWithBody(app, text), 1, 'stored once')
    assert.equal(await countBody(carl, text), 1, 'shown once')
  })

  it('sends again, same key, when the answer is "not confirmed yet", until it is answered "stored"', async () => {
    const context = await userContext(browser, app.url, 'dora')
    // The first answer becomes what the server says when its commit's answer was lost (send-keys.test.ts
    // makes that happen for real, on Postgres); the page must keep the message and send it again.
    await context.addInitScript(() => {
      const w = window as unknown as { __sent: string[]; __turned: boolean }
      w.__sent = []
      const send = WebSocket.prototype.send
      WebSocket.prototype.send = function (data) {
        w.__sent.push(String(data))
        return send.call(this, data)
      }
      document.addEventListener('htmx:ws:before:message:incoming', (e) => {
        const message = (e as CustomEvent).detail.message
        const key = /^<hx-partial hx-target="#send-([^"]+)"/.exec(String(message.data))?.[1]
        if (!key || w.__turned) return
        w.__turned = true
        message.data = `<hx-partial hx-target="#send-${key}" hx-swap="outerHTML"><li id="send-${key}" class="send retry"><span class="body">x</span> <span class="state">Not confirmed yet</span></li></hx-partial>`
      })
    })
    const dora = await openRoom(context, app.url, 'general')
    const text = 'not confirmed at first'
    await composer(dora).fill(text)
    await dora.getByRole('button', { name: 'Send' }).click()
    await dora.locator('#sending > li.retry').waitFor()
    await dora.locator('#sending > li').waitFor({ state: 'detached', timeout: 10_000 })
    const sent = await dora.evaluate(() => (window as unknown as { __sent: string[] }).__sent)
    const tries = sent
      .map((d) => JSON.parse(d) as { body?: string; client_id?: string })
      .filter((f) => f.body === text)
    assert.equal(tries.length, 2, 'sent again after "not confirmed yet"')
    assert.equal(tries[0]?.client_id, tries[1]?.client_id, 'with the same key')
    assert.equal(await storedWithBody(app, text), 1, 'stored once')
    assert.equal(await countBody(dora, text), 1, 'shown once')
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
