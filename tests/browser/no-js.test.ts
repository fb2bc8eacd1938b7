import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { startTestApp, type TestApp } from '../support/app.ts'
import { primaryBackend } from '../support/backends.ts'
import { launchChromium } from '../support/chromium.ts'
import { HttpUser, PASSWORD } from '../support/http.ts'
import { articlesWith, composer, countBody, openRoom, userContext, waitForBody } from './helpers.ts'

describe('posting without JavaScript', { timeout: 120_000 }, () => {
  let app: TestApp
  let browser: Browser
  let page: Page

  /** Types into the composer and clicks Send: a plain form POST. Returns the POST's status. */
  async function submit(text: string): Promise<number> {
    await composer(page).fill(text)
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Send' }).click(),
    ])
    await page.waitForLoadState('load')
    return response.status()
  }

  before(async () => {
    app = await startTestApp(primaryBackend())
    browser = await launchChromium()
    await HttpUser.signUp(app.url, 'erin')
    const context = await browser.newContext({ javaScriptEnabled: false })
    page = await context.newPage()
    await page.goto(`${app.url}/login`)
    await page.getByLabel('Username').fill('erin')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(`${app.url}/`)
    await page.goto(`${app.url}/rooms/general`)
  })

  after(async () => {
    await browser?.close()
    await app?.close()
  })

  it('sends a message with a plain form post', { timeout: 60_000 }, async () => {
    assert.equal(
      await page.evaluate(() => document.getElementById('room')?.dataset.ws),
      undefined,
      'no socket',
    )
    const text = 'Posting from a browser with scripts turned off'
    assert.equal(await submit(text), 303)
    assert.match(page.url(), /\/rooms\/general#message-\d+$/)
    const article = articlesWith(page, text)
    assert.equal(await article.count(), 1)
    assert.equal(await article.locator('.author').textContent(), 'erin')
    assert.equal(
      `#${await article.getAttribute('id')}`,
      new URL(page.url()).hash,
      'the redirect points at it',
    )
    assert.equal(await composer(page).inputValue(), '', 'the composer is empty again')
  })

  it('shows an inline error for an empty message', { timeout: 60_000 }, async () => {
    const before = await page.locator('#messages article.message').count()
    assert.equal(await submit('   \n  '), 422)
    const error = page.locator('#composer').getByRole('alert')
    assert.match((await error.textContent()) ?? '', /write something/i)
    assert.equal(await composer(page).getAttribute('aria-invalid'), 'true')
    assert.equal(await page.locator('#messages article.message').count(), before, 'nothing was posted')
  })

  it('shows an inline error for a message that is too long, and keeps the text', {
    timeout: 60_000,
  }, async () => {
    const long = 'All work and no play makes Jack a dull boy. '.repeat(91).slice(0, 4001) // ends in "bo"
    assert.equal([...long].length, 4001)
    assert.equal(await submit(long), 422)
    const error = page.locator('#composer').getByRole('alert')
    assert.match((await error.textContent()) ?? '', /4,000/)
    assert.equal(await composer(page).inputValue(), long, 'the text is kept')
    assert.equal(await countBody(page, long), 0)

    const fixed = long.slice(0, 4000)
    assert.equal(await submit(fixed), 303, 'the kept text, shortened, goes through')
    assert.equal(await countBody(page, fixed), 1)
  })

  it('reaches readers with JavaScript live', { timeout: 60_000 }, async () => {
    const reader = await openRoom(await userContext(browser, app.url, 'frank'), app.url, 'general')
    const text = 'Can the live readers see this one?'
    assert.equal(await submit(text), 303)
    await waitForBody(reader, text)
    assert.equal(await articlesWith(reader, text).locator('.author').textContent(), 'erin')
  })
})
