import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { startTestApp, type TestApp } from '../support/app.ts'
import { primaryBackend } from '../support/backends.ts'
import { launchChromium } from '../support/chromium.ts'
import { HttpUser } from '../support/http.ts'
import { openSocket, type TestSocket } from '../support/socket.ts'
import {
  countBody,
  lastArticleVisible,
  logScroll,
  openRoom,
  userContext,
  waitForBody,
  waitForFrame,
} from './helpers.ts'

describe('the log scrolls like a chat', { timeout: 120_000 }, () => {
  let app: TestApp
  let browser: Browser
  let alice: HttpUser
  let socket: TestSocket
  let bob: Page

  /** Alice sends over a real socket, as htmx would, without waiting for anything. */
  const say = (body: string) =>
    socket.sendMessage(
      { body, client_id: randomBytes(9).toString('base64url'), _csrf: alice.csrf },
      `${app.url}/rooms/general`,
    )

  before(async () => {
    app = await startTestApp(primaryBackend())
    browser = await launchChromium()
    alice = await HttpUser.signUp(app.url, 'alice')
    await alice.get('/rooms/general')
    socket = await openSocket(alice, 'general')
    bob = await openRoom(await userContext(browser, app.url, 'bob'), app.url, 'general')
  })

  after(async () => {
    await socket?.close()
    await browser?.close()
    await app?.close()
  })

  it('follows a burst of 30 messages to the newest', { timeout: 60_000 }, async () => {
    for (let i = 1; i <= 30; i++) say(`Deploy log line ${i} of 30`)
    await waitForFrame(bob, 'Deploy log line 30 of 30')
    for (let i = 1; i <= 30; i++) assert.equal(await countBody(bob, `Deploy log line ${i} of 30`), 1)
    const scroll = await logScroll(bob)
    assert.ok(scroll.scrollable, 'the burst is taller than the log')
    assert.ok(scroll.fromBottom < 5, `the log is at the bottom (${scroll.fromBottom}px above it)`)
    assert.ok(await lastArticleVisible(bob), 'the newest message is in view')
  })

  it('opens scrolled to the newest message', { timeout: 60_000 }, async () => {
    await bob.reload() // waits for the load event; chat.js scrolls on DOMContentLoaded, before it
    const scroll = await logScroll(bob)
    assert.ok(scroll.scrollable, 'there is more history than fits')
    assert.ok(scroll.fromBottom < 5, `the log is at the bottom (${scroll.fromBottom}px above it)`)
    assert.ok(await lastArticleVisible(bob), 'the newest message is in view')
  })

  it('leaves a reader who scrolled up where they are', { timeout: 60_000 }, async () => {
    await bob.locator('#room[data-ws="open"]').waitFor()
    await bob.getByRole('log', { name: 'Messages' }).hover()
    await bob.mouse.wheel(0, -100_000)
    await bob.waitForFunction(() => document.getElementById('messages')?.scrollTop === 0)
    const text = 'Did everyone see the deploy finish?'
    say(text)
    await waitForFrame(bob, text)
    await waitForBody(bob, text)
    const scroll = await logScroll(bob)
    assert.ok(scroll.top < 5, `the reader stays at the top (scrollTop ${scroll.top})`)
    assert.ok(!(await lastArticleVisible(bob)), 'the new message is below, out of view')

    await bob.getByRole('log', { name: 'Messages' }).evaluate((el) => {
      el.scrollTop = el.scrollHeight
    })
    say('And back at the bottom it follows again')
    await waitForFrame(bob, 'And back at the bottom it follows again')
    assert.ok((await logScroll(bob)).fromBottom < 5, 'a reader back at the bottom is kept there')
  })
})
