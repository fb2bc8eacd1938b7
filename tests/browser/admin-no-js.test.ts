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
  createRoomAsAdmin,
  fillRoomForm,
  textOf,
  userContext,
  waitForText,
} from './helpers.ts'

describe('administration without JavaScript', { timeout: 180_000 }, () => {
  let app: TestApp
  let browser: Browser
  let page: Page
  let roomAdmin = '' // /admin/rooms/<id> of the room the journey works on

  /** The cells of the /admin/rooms row of a room, whitespace collapsed. */
  async function rowOf(name: string): Promise<string[]> {
    await page.goto(`${app.url}/admin/rooms`)
    const row = page
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: `#${name}`, exact: true }) })
    assert.equal(await row.count(), 1, `one row for #${name}`)
    return (await row.locator('th, td').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim())
  }

  /** Clicks a submit button (a plain form post) and returns the POST's status once the next page is loaded. */
  async function submit(name: string): Promise<number> {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name, exact: true }).click(),
    ])
    await page.waitForLoadState('load')
    return response.status()
  }

  before(async () => {
    app = await startTestApp(primaryBackend())
    browser = await launchChromium()
    // The first to sign up is the admin.
    const context = await userContext(browser, app.url, 'nina', { javaScriptEnabled: false })
    page = await context.newPage()
    await page.goto(`${app.url}/`)
  })

  after(async () => {
    await browser?.close()
    await app?.close()
  })

  it('creates a room with the plain form, and says inline when its address is taken', {
    timeout: 60_000,
  }, async () => {
    await page.getByRole('banner').getByRole('link', { name: 'Administration' }).click()
    await page.waitForURL(`${app.url}/admin/rooms`)

    roomAdmin = await createRoomAsAdmin(page, app.url, {
      name: 'Design reviews',
      slug: 'design',
      topic: 'Mockups and feedback',
    })
    await waitForText(page, '.flash', 'Room created.')
    await waitForText(page, 'main h1', '#Design reviews')
    assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Design reviews')
    assert.equal(await page.getByLabel('Address: /rooms/…').inputValue(), 'design')
    assert.equal(
      await page.getByRole('heading', { name: 'Members' }).count(),
      0,
      'an open room has no members',
    )
    const row = await rowOf('Design reviews')
    assert.deepEqual(row.slice(0, 4), ['#Design reviews /rooms/design', 'open', 'everyone', '0'])

    await fillRoomForm(page, { name: 'Design again', slug: 'design' })
    assert.equal(await submit('Create room'), 422)
    await waitForText(page, '#error-slug', 'The address /rooms/design is taken by another room.')
    assert.equal(await page.getByLabel('Address: /rooms/…').getAttribute('aria-invalid'), 'true')
    assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Design again', 'kept as typed')
  })

  it('posts a message in the new room', { timeout: 60_000 }, async () => {
    await page.goto(`${app.url}/rooms/design`)
    await waitForText(page, '#room-head h1', '#Design reviews')
    assert.equal(await page.locator('#room').getAttribute('data-ws'), null, 'no script ran: no socket')
    await composer(page).fill('First mockups are in the shared folder')
    assert.equal(await submit('Send'), 303)
    assert.equal(await countBody(page, 'First mockups are in the shared folder'), 1)
  })

  it('renames the room and moves its address: the old address redirects to the new one', {
    timeout: 60_000,
  }, async () => {
    await page.goto(roomAdmin)
    await fillRoomForm(page, {
      name: 'Product design',
      slug: 'product-design',
      topic: 'Mockups, flows, feedback',
    })
    assert.equal(await submit('Save changes'), 303)
    assert.match(page.url(), /\?done=saved$/)
    await waitForText(page, '.flash', 'Changes saved.')
    await waitForText(page, 'main h1', '#Product design')

    const res = await page.goto(`${app.url}/rooms/design`)
    assert.equal(page.url(), `${app.url}/rooms/product-design`, 'the old address leads to the new one')
    assert.equal(res?.status(), 200)
    assert.equal(await page.title(), 'Product design · Parley')
    await waitForText(page, '#room-head h1', '#Product design')
    await waitForText(page, '#room-head .topic', 'Mockups, flows, feedback')
    assert.equal(
      await countBody(page, 'First mockups are in the shared folder'),
      1,
      'the history moved along',
    )
    assert.equal((await rowOf('Product design'))[0], '#Product design /rooms/product-design')
  })

  it('archives the room: it shows its history and no composer', { timeout: 60_000 }, async () => {
    await page.goto(roomAdmin)
    assert.equal(await submit('Archive room (read-only)'), 303)
    await waitForText(page, '.flash', 'Room archived: it is read-only now.')
    assert.equal(await page.getByRole('button', { name: 'Unarchive room' }).count(), 1)
    assert.equal((await rowOf('Product design'))[1], 'open, archived')

    await page.goto(`${app.url}/rooms/product-design`)
    assert.equal(await composer(page).count(), 0, 'no composer')
    assert.equal(await page.getByRole('button', { name: 'Send' }).count(), 0)
    await waitForText(page, '#composer', 'This room is archived: you can read its history, not write to it.')
    await waitForText(page, '#room-head h1', '#Product design archived')
    const message = articlesWith(page, 'First mockups are in the shared folder')
    assert.equal(await message.count(), 1, 'the history stays')
    assert.equal(await message.getByRole('link', { name: 'Edit' }).isVisible(), false, 'nobody edits here')
    assert.equal(await message.getByRole('link', { name: 'Delete' }).isVisible(), true, 'an admin may delete')

    // The room list says so too.
    await page.goto(`${app.url}/`)
    const item = page
      .getByRole('listitem')
      .filter({ has: page.getByRole('link', { name: 'Product design' }) })
    assert.equal(await item.locator('.badge').textContent(), 'archived')
  })

  it('deletes the room through the confirmation page', { timeout: 60_000 }, async () => {
    await page.goto(roomAdmin)
    await page.getByRole('link', { name: 'Delete room…' }).click()
    await page.waitForURL(`${roomAdmin}/delete`)
    await waitForText(page, 'main h1', 'Delete #Product design?')
    assert.match(await textOf(page, 'main form p'), /its 1 message for good/)
    assert.equal(
      await page.getByRole('link', { name: 'Cancel' }).getAttribute('href'),
      new URL(roomAdmin).pathname,
    )

    assert.equal(await submit('Delete #Product design'), 303)
    assert.equal(page.url(), `${app.url}/admin/rooms?done=deleted`)
    await waitForText(page, '.flash', 'Room deleted.')
    assert.equal(await page.getByRole('link', { name: '#Product design' }).count(), 0, 'gone from the table')
    for (const slug of ['product-design', 'design']) {
      assert.equal((await page.goto(`${app.url}/rooms/${slug}`))?.status(), 404, `/rooms/${slug} is gone`)
    }
    assert.equal((await page.goto(roomAdmin))?.status(), 404)
  })

  it('edits a message through the plain edit page', { timeout: 60_000 }, async () => {
    await page.goto(`${app.url}/rooms/general`)
    await composer(page).fill('Standup moved to 9:30')
    assert.equal(await submit('Send'), 303)
    const article = articlesWith(page, 'Standup moved to 9:30')
    const id = await article.getAttribute('id')
    assert.ok(id)

    await article.getByRole('link', { name: 'Edit' }).click()
    await page.waitForURL(/\/messages\/\d+\/edit$/)
    const box = page.getByLabel('Edit your message')
    assert.equal(
      await box.count(),
      1,
      `the edit page shows the edit form (the page reads: "${await textOf(page, 'body')}")`,
    )
    assert.equal(await box.inputValue(), 'Standup moved to 9:30')
    await box.fill('Standup moved to 9:45')
    assert.equal(await submit('Save'), 303)
    assert.equal(page.url(), `${app.url}/rooms/general#${id}`)
    assert.equal(await countBody(page, 'Standup moved to 9:30'), 0)
    const edited = articlesWith(page, 'Standup moved to 9:45')
    assert.equal(await edited.getAttribute('id'), id)
    assert.equal(await edited.locator('.edited').textContent(), '(edited)')
  })

  it('deletes a message through the confirmation page', { timeout: 60_000 }, async () => {
    await page.goto(`${app.url}/rooms/general`)
    await composer(page).fill('Lunch orders close at 11')
    assert.equal(await submit('Send'), 303)
    const article = articlesWith(page, 'Lunch orders close at 11')
    const id = await article.getAttribute('id')
    assert.ok(id)

    await article.getByRole('link', { name: 'Delete' }).click()
    await page.waitForURL(/\/messages\/\d+\/delete$/)
    await waitForText(page, 'main h1', 'Delete this message?')
    await waitForText(page, 'main blockquote', 'Lunch orders close at 11')
    assert.equal(await submit('Delete message'), 303)
    assert.equal(page.url(), `${app.url}/rooms/general`)
    assert.equal(await page.locator(`#${id}`).count(), 0, 'the message is gone')
    assert.equal(await countBody(page, 'Lunch orders close at 11'), 0)
  })
})
