import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import { startTestApp, type TestApp } from '../support/app.ts'
import { primaryBackend } from '../support/backends.ts'
import { launchChromium } from '../support/chromium.ts'
import { storedWithBody } from '../support/db-lookups.ts'
import { HttpUser } from '../support/http.ts'
import {
  composer,
  countBody,
  createRoomOverHttp,
  openRoom,
  PASSWORD,
  send,
  sendThenType,
  userContext,
  waitForBody,
  waitLive,
} from './helpers.ts'

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

describe('refused messages and moved rooms, across a reload', { timeout: 120_000 }, () => {
  let app: TestApp
  let browser: Browser
  let admin: HttpUser
  before(async () => {
    // Burst 1, a token every 10 s: a second quick send is refused as "Slow down".
    app = await startTestApp(primaryBackend(), { MESSAGE_BURST: '1', MESSAGES_PER_10S: '1' })
    admin = await HttpUser.signUp(app.url, 'boss')
    browser = await launchChromium()
  })
  after(async () => {
    await browser?.close()
    await app?.close()
  })

  it('a refused one stays held after a reload, is never sent by itself, and Discard forgets it', async () => {
    const context = await userContext(browser, app.url, 'lou')
    const lou = await openRoom(context, app.url, 'general')
    await send(lou, 'allowed', 'click')
    await sendThenType(lou, 'refused, then thrown away', 'being typed')
    const held = lou.locator('#sending > li.held')
    await held.first().waitFor()
    await lou.reload()
    await waitLive(lou)
    await held.first().waitFor()
    assert.deepEqual(await held.locator('.body').allTextContents(), ['refused, then thrown away'])
    // Past the rate limit's refill: a held message would have been stored by now if it were sent by itself.
    await lou.waitForTimeout(11_000)
    assert.equal(await storedWithBody(app, 'refused, then thrown away'), 0, 'never sent by itself')
    await held.first().getByRole('button', { name: 'Discard' }).click()
    assert.equal(await held.count(), 0)
    await lou.reload()
    await waitLive(lou)
    assert.equal(await lou.locator('#sending > li').count(), 0, 'discarded for good')
  })

  it('a renamed room keeps its list at its new address, and a room given the old address does not get it', async () => {
    const roomId = await createRoomOverHttp(admin, 'Plans', 'plans')
    const context = await userContext(browser, app.url, 'max')
    await context.addInitScript(() => {
      if (sessionStorage.getItem('moved')) return
      const send = WebSocket.prototype.send
      WebSocket.prototype.send = function (data) {
        if (String(data).includes('kept through the move')) return
        return send.call(this, data)
      }
    })
    const max = await openRoom(context, app.url, 'plans')
    await composer(max).fill('kept through the move')
    await max.getByRole('button', { name: 'Send' }).click()
    await max.locator('#sending > li').first().waitFor()
    // The room moves to a new address, and a new room takes the old one.
    await admin.get(`/admin/rooms/${roomId}`)
    const moved = await admin.post(`/admin/rooms/${roomId}`, { name: 'Plans', slug: 'plans-2026', topic: '' })
    assert.equal(moved.status, 303)
    await createRoomOverHttp(admin, 'Plans (new)', 'plans')
    await max.evaluate(() => sessionStorage.setItem('moved', '1'))
    await max.goto(`${app.url}/rooms/plans`)
    await waitLive(max)
    assert.equal(
      await max.locator('#sending > li').count(),
      0,
      'the new room at the old address lists nothing',
    )
    await max.goto(`${app.url}/rooms/plans-2026`)
    await waitLive(max)
    await waitForBody(max, 'kept through the move')
    const rows = await app.store.db
      .selectFrom('messages')
      .select('room_id')
      .where('body', '=', 'kept through the move')
      .execute()
    assert.deepEqual(
      rows.map((r) => r.room_id),
      [roomId],
      'stored once, in the room it was written in',
    )
  })
})
