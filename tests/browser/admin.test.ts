import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startTestApp, type TestApp } from '../support/app.ts'
import { primaryBackend } from '../support/backends.ts'
import { launchChromium } from '../support/chromium.ts'
import {
  acceptNextDialog,
  articlesWith,
  composer,
  countBody,
  createRoomAsAdmin,
  fillRoomForm,
  openRoom,
  send,
  signUpInBrowser,
  textOf,
  userContext,
  waitForBody,
  waitForText,
  waitLive,
} from './helpers.ts'

/** How many frames with this text reached the page (openRoom records every frame it swaps). */
function framesWith(page: Page, text: string): Promise<number> {
  return page.evaluate(
    (t) => (window as unknown as { __frames: string[] }).__frames.filter((d) => d.includes(t)).length,
    text,
  )
}

describe('administration in the browser', { timeout: 180_000 }, () => {
  let app: TestApp
  let browser: Browser
  let ada: Page // the admin's page for /admin (the first to sign up)
  let adaContext: BrowserContext
  let maxContext: BrowserContext // a member, added to the private room
  let olgaContext: BrowserContext // signed up, never added
  let adaRoom: Page // the private room, as the admin
  let maxRoom: Page // the private room, as the member
  let opsAdmin = '' // /admin/rooms/<id> of the private room
  let newsAdmin = '' // /admin/rooms/<id> of the open room archived, then deleted
  const RELEASE = 'Release 2.3 is out'
  const pageErrors: string[] = []

  const watch = (page: Page) => {
    page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`))
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) pageErrors.push(`${page.url()}: ${m.text()}`)
    })
    return page
  }

  before(async () => {
    app = await startTestApp(primaryBackend())
    browser = await launchChromium()
    ada = watch(await signUpInBrowser(browser, app.url, 'ada'))
    adaContext = ada.context()
    maxContext = await userContext(browser, app.url, 'max')
    olgaContext = await userContext(browser, app.url, 'olga')
  })

  after(async () => {
    await browser?.close()
    await app?.close()
  })

  it('shows the Administration link to the admin only', { timeout: 60_000 }, async () => {
    await ada.getByRole('banner').getByRole('link', { name: 'Administration' }).click()
    await ada.waitForURL(`${app.url}/admin/rooms`)
    assert.equal(await ada.getByRole('table', { name: 'Rooms' }).count(), 1)

    const max = watch(await maxContext.newPage())
    await max.goto(`${app.url}/`)
    assert.equal(await max.getByRole('link', { name: 'Administration' }).count(), 0)
    const res = await max.goto(`${app.url}/admin/rooms`)
    assert.equal(res?.status(), 403, 'a member may not open /admin')
    await max.close()
  })

  it('creates a private room, adds a member who sees it and chats with the admin live', {
    timeout: 60_000,
  }, async () => {
    opsAdmin = await createRoomAsAdmin(ada, app.url, {
      name: 'Ops team',
      slug: 'ops',
      topic: 'Deploys and incidents',
      private: true,
    })
    await waitForText(ada, '.flash', 'Room created.')
    await waitForText(ada, 'main h1', '#Ops team')
    assert.equal(await textOf(ada, '#members li'), 'Nobody yet: admins only.')

    // Not a member yet: the room is neither listed nor readable (a private room's existence does not leak).
    const max = watch(await maxContext.newPage())
    await max.goto(`${app.url}/`)
    assert.equal(await max.getByRole('link', { name: 'Ops team' }).count(), 0)
    assert.equal((await max.goto(`${app.url}/rooms/ops`))?.status(), 404)

    await ada.getByLabel('Add a member (username)').fill('max')
    await ada.getByRole('button', { name: 'Add member' }).click()
    await ada.waitForURL(/\?done=added#members$/)
    await waitForText(ada, '.flash', 'Member added.')
    assert.equal(await ada.getByRole('button', { name: 'Remove max' }).count(), 1)

    // Now max sees it in his room list, marked private, and can open it; olga still cannot.
    await max.goto(`${app.url}/`)
    const link = max.getByRole('link', { name: 'Ops team' })
    assert.equal(await link.count(), 1)
    assert.equal(await link.locator('xpath=..').locator('.badge').textContent(), 'private')
    await link.click()
    await max.waitForURL(`${app.url}/rooms/ops`)
    await waitLive(max)
    await max.close()

    const olga = watch(await olgaContext.newPage())
    await olga.goto(`${app.url}/`)
    assert.equal(await olga.getByRole('link', { name: 'Ops team' }).count(), 0)
    assert.equal((await olga.goto(`${app.url}/rooms/ops`))?.status(), 404)
    await olga.close()

    adaRoom = watch(await openRoom(adaContext, app.url, 'ops'))
    maxRoom = watch(await openRoom(maxContext, app.url, 'ops'))
    await waitForText(maxRoom, '#room-head h1', '#Ops team private')
    const fromMax = 'Hi Ada, thanks for adding me to the ops room'
    await send(maxRoom, fromMax)
    await waitForBody(adaRoom, fromMax)
    assert.equal(await articlesWith(adaRoom, fromMax).locator('.author').textContent(), 'max')
    const fromAda = 'Welcome Max: deploys go here'
    await send(adaRoom, fromAda)
    await waitForBody(maxRoom, fromAda)
    for (const page of [adaRoom, maxRoom]) {
      await waitForBody(page, fromMax)
      assert.equal(await countBody(page, fromAda), 1)
    }
  })

  it('renames the room: the member’s open page shows the new name and topic without a reload', {
    timeout: 60_000,
  }, async () => {
    await maxRoom.evaluate(() => {
      ;(window as unknown as { __sameDocument: boolean }).__sameDocument = true
    })
    await ada.goto(opsAdmin)
    await fillRoomForm(ada, { name: 'Operations', topic: 'Deploys, incidents and the on-call rota' })
    await ada.getByRole('button', { name: 'Save changes' }).click()
    await ada.waitForURL(/\?done=saved$/)
    await waitForText(ada, '.flash', 'Changes saved.')
    await waitForText(ada, 'main h1', '#Operations')

    for (const page of [maxRoom, adaRoom]) {
      await waitForText(page, '#room-head h1', '#Operations private')
      await waitForText(page, '#room-head .topic', 'Deploys, incidents and the on-call rota')
      assert.equal(await page.title(), 'Operations · Parley')
    }
    assert.equal(
      await maxRoom.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
      true,
      'the page was not reloaded',
    )
    assert.equal(await maxRoom.locator('#room[data-ws="open"]').count(), 1, 'still live')

    // Still live both ways after the rename.
    const after = 'Operations it is, then'
    await send(maxRoom, after)
    await waitForBody(adaRoom, after)
  })

  it('lets the author edit their message inline: the other page shows the new text, marked (edited)', {
    timeout: 60_000,
  }, async () => {
    const before = 'Deploy window is Friday at 5pm'
    const fixed = 'Deploy window is Friday at 6pm (after the standup)'
    await send(maxRoom, before)
    await waitForBody(adaRoom, before)

    // The controls: max edits and deletes his own; the admin deletes any but edits none of max's.
    const mine = articlesWith(maxRoom, before)
    assert.equal(await mine.getByRole('link', { name: 'Edit' }).isVisible(), true)
    assert.equal(await mine.getByRole('link', { name: 'Delete' }).isVisible(), true)
    const adas = articlesWith(maxRoom, 'Welcome Max: deploys go here')
    assert.equal(await adas.getByRole('link', { name: 'Edit' }).isVisible(), false)
    assert.equal(await adas.getByRole('link', { name: 'Delete' }).isVisible(), false)
    const seenByAda = articlesWith(adaRoom, before)
    assert.equal(await seenByAda.getByRole('link', { name: 'Edit' }).isVisible(), false)
    assert.equal(await seenByAda.getByRole('link', { name: 'Delete' }).isVisible(), true)

    const id = await mine.getAttribute('id')
    assert.ok(id)
    await mine.getByRole('link', { name: 'Edit' }).click()
    const box = maxRoom.getByLabel('Edit your message')
    await box.waitFor()
    assert.equal(await box.inputValue(), before)
    await box.fill(fixed)
    await maxRoom.getByRole('button', { name: 'Save' }).click()

    for (const page of [maxRoom, adaRoom]) {
      await waitForBody(page, fixed)
      await waitForBody(page, before, 0)
      const article = articlesWith(page, fixed)
      assert.equal(await article.getAttribute('id'), id, 'the same message, changed in place')
      assert.equal(await article.locator('.edited').textContent(), '(edited)')
      assert.equal(await article.locator('.author').textContent(), 'max')
    }
    assert.equal(await maxRoom.getByLabel('Edit your message').count(), 0, 'the edit form is gone')
    assert.equal(await composer(maxRoom).isVisible(), true)

    // What a fresh page renders agrees.
    await adaRoom.reload()
    await waitLive(adaRoom)
    assert.equal(await countBody(adaRoom, fixed), 1)
    assert.equal(await articlesWith(adaRoom, fixed).locator('.edited').textContent(), '(edited)')
  })

  it('lets the admin delete a member’s message: it disappears from the member’s page', {
    timeout: 60_000,
  }, async () => {
    const oops = 'Oops, the staging password is hunter2'
    await send(maxRoom, oops)
    await waitForBody(adaRoom, oops)
    const id = await articlesWith(adaRoom, oops).getAttribute('id')
    assert.ok(id)

    const dialog = acceptNextDialog(adaRoom)
    await articlesWith(adaRoom, oops).getByRole('link', { name: 'Delete' }).click()
    assert.equal(await dialog, 'Delete this message? This cannot be undone.')
    for (const page of [maxRoom, adaRoom]) {
      await page.locator(`#${id}`).waitFor({ state: 'detached' })
      assert.equal(await countBody(page, oops), 0)
    }
    assert.equal(await maxRoom.locator('#room[data-ws="open"]').count(), 1, 'the member’s page is still live')

    await maxRoom.reload()
    await waitLive(maxRoom)
    assert.equal(await countBody(maxRoom, oops), 0, 'gone for good')
    assert.equal(await countBody(maxRoom, 'Operations it is, then'), 1, 'the rest is still there')
  })

  it('removes the member: their page says so, ends, and receives nothing more', {
    timeout: 60_000,
  }, async () => {
    await ada.goto(opsAdmin)
    await ada.getByRole('button', { name: 'Remove max' }).click()
    await ada.waitForURL(/\?done=removed#members$/)
    await waitForText(ada, '.flash', 'Member removed.')
    assert.equal(await textOf(ada, '#members li'), 'Nobody yet: admins only.')

    await maxRoom.locator('#room[data-ws="ended"]').waitFor({ timeout: 10_000 })
    await waitForText(maxRoom, '#notice', 'You no longer have access to this room.')

    const secret = 'Now that Max is gone: the new on-call rota'
    await send(adaRoom, secret)
    await waitForBody(adaRoom, secret)
    assert.equal(await countBody(maxRoom, secret), 0, 'the removed member does not see it')
    assert.equal(await framesWith(maxRoom, secret), 0, 'no frame of it reached the page')
    assert.equal(await maxRoom.locator('#room').getAttribute('data-ws'), 'ended', 'it does not reconnect')

    const max = watch(await maxContext.newPage())
    await max.goto(`${app.url}/`)
    assert.equal(await max.getByRole('link', { name: 'Operations' }).count(), 0, 'no longer listed')
    assert.equal((await max.goto(`${app.url}/rooms/ops`))?.status(), 404)
    await max.close()
  })

  it('archives a room live: its open pages lose the composer at once', { timeout: 60_000 }, async () => {
    newsAdmin = await createRoomAsAdmin(ada, app.url, { name: 'Announcements', slug: 'news' })
    const maxNews = watch(await openRoom(maxContext, app.url, 'news'))
    await send(maxNews, RELEASE)
    assert.equal(await articlesWith(maxNews, RELEASE).getByRole('link', { name: 'Edit' }).isVisible(), true)

    await ada.getByRole('button', { name: 'Archive room (read-only)' }).click()
    await ada.waitForURL(/\?done=archived$/)
    await waitForText(ada, '.flash', 'Room archived: it is read-only now.')
    assert.equal(await ada.getByRole('button', { name: 'Unarchive room' }).count(), 1)

    await waitForText(
      maxNews,
      '#composer',
      'This room is archived: you can read its history, not write to it.',
    )
    assert.equal(await composer(maxNews).count(), 0, 'no composer')
    assert.equal(await maxNews.getByRole('button', { name: 'Send' }).count(), 0)
    await waitForText(maxNews, '#room-head h1', '#Announcements archived')
    assert.equal(await countBody(maxNews, RELEASE), 1, 'the history stays')
    // Nobody edits in an archived room (the server refuses it), so the open page must stop offering it, as a
    // freshly loaded one does. (Clicking it now gets a 403 that replaces the message with an error.)
    assert.equal(
      await articlesWith(maxNews, RELEASE).getByRole('link', { name: 'Edit' }).isVisible(),
      false,
      'the Edit link is hidden on an open page once the room is archived',
    )
  })

  it('offers in an archived room only what the server allows: no Edit, Delete for admins only', {
    timeout: 60_000,
  }, async () => {
    const adaNews = watch(await openRoom(adaContext, app.url, 'news'))
    const seenByAda = articlesWith(adaNews, RELEASE)
    assert.equal(
      await seenByAda.getByRole('link', { name: 'Delete' }).isVisible(),
      true,
      'an admin may delete',
    )
    await adaNews.close()

    const maxNews = watch(await openRoom(maxContext, app.url, 'news'))
    const mine = articlesWith(maxNews, RELEASE)
    assert.equal(await mine.getByRole('link', { name: 'Edit' }).isVisible(), false, 'the author may not edit')
    // The server refuses an author's delete in an archived room (403), so the link must not be offered.
    assert.equal(
      await mine.getByRole('link', { name: 'Delete' }).isVisible(),
      false,
      'the author (not an admin) is not offered Delete in an archived room',
    )
  })

  it('unarchives a room live: open pages are told to reload to write again', {
    timeout: 60_000,
  }, async () => {
    const maxNews = watch(await openRoom(maxContext, app.url, 'news'))
    assert.equal(await composer(maxNews).count(), 0, 'archived: no composer')
    await ada.goto(newsAdmin)
    await ada.getByRole('button', { name: 'Unarchive room' }).click()
    await ada.waitForURL(/\?done=unarchived$/)
    await waitForText(ada, '.flash', 'Room unarchived: people can write in it again.')

    await waitForText(maxNews, '#composer', 'This room is open again. Reload to write.')
    await waitForText(maxNews, '#room-head h1', '#Announcements')
    await maxNews.getByRole('link', { name: 'Reload' }).click()
    await composer(maxNews).waitFor() // the reloaded page: the old one had none
    await waitLive(maxNews)
    await send(maxNews, 'Writing again')
    await waitForBody(maxNews, 'Writing again')

    // The author deletes their own message (open again): it goes from the page through the socket.
    const id = await articlesWith(maxNews, RELEASE).getAttribute('id')
    const dialog = acceptNextDialog(maxNews)
    await articlesWith(maxNews, RELEASE).getByRole('link', { name: 'Delete' }).click()
    assert.equal(await dialog, 'Delete this message? This cannot be undone.')
    await maxNews.locator(`#${id}`).waitFor({ state: 'detached' })
    assert.equal(await countBody(maxNews, 'Writing again'), 1)
  })

  it('deletes a room after a confirmation: its open pages go to the room list with a notice', {
    timeout: 60_000,
  }, async () => {
    const maxNews = watch(await openRoom(maxContext, app.url, 'news'))
    await ada.goto(newsAdmin) // its counts as they are now: one message
    const dialog = acceptNextDialog(ada)
    await ada.getByRole('link', { name: 'Delete room…' }).click()
    const asked = await dialog
    await ada.waitForURL(`${app.url}/admin/rooms?done=deleted`)
    await waitForText(ada, '.flash', 'Room deleted.')
    assert.equal(await ada.getByRole('link', { name: '#Announcements' }).count(), 0)

    await maxNews.waitForURL(`${app.url}/?notice=room-deleted`)
    await waitForText(maxNews, '.flash', 'The room you were in was deleted.')
    assert.equal(await maxNews.getByRole('link', { name: 'Announcements' }).count(), 0)
    assert.equal((await maxNews.goto(`${app.url}/rooms/news`))?.status(), 404)

    // Last, as it is only wording: the question counts right (the no-JS page says "1 message").
    assert.equal(asked, 'Delete #Announcements and its 1 message? This cannot be undone.')
  })

  it('raised no script error and no CSP violation on any page', () => {
    assert.deepEqual(pageErrors, [])
  })
})
