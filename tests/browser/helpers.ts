import assert from 'node:assert/strict'
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core'
import { HttpUser, PASSWORD } from '../support/http.ts'

export { PASSWORD }

/** Signs a new user up through the real form (the first one becomes the admin); the page ends on `/`. */
export async function signUpInBrowser(browser: Browser, base: string, username: string): Promise<Page> {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${base}/signup`)
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign up' }).click()
  await page.waitForURL(`${base}/`)
  return page
}

/** A browser context signed in as a user who signed up over HTTP (faster than the form). */
export async function userContext(
  browser: Browser,
  base: string,
  username: string,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const user = await HttpUser.signUp(base, username)
  const value = user.cookie('parley_session')
  assert.ok(value, `no session cookie for ${username}`)
  const context = await browser.newContext(options)
  await context.addCookies([{ name: 'parley_session', value, url: base, httpOnly: true, sameSite: 'Lax' }])
  return context
}

/** Opens a room page (recording the frames it swaps, see waitForFrame) and waits until its socket is open. */
export async function openRoom(context: BrowserContext, base: string, slug: string): Promise<Page> {
  const page = await context.newPage()
  await page.addInitScript(() => {
    const w = window as unknown as { __frames: string[] }
    w.__frames = []
    document.addEventListener('htmx:ws:after:message:incoming', (e) => {
      w.__frames.push(String((e as CustomEvent).detail.message.data))
    })
  })
  await page.goto(`${base}/rooms/${slug}`)
  await waitLive(page)
  return page
}

/** Waits for `#room[data-ws="open"]`, which chat.js sets on every socket open. */
export async function waitLive(page: Page): Promise<void> {
  const open = await page
    .locator('#room[data-ws="open"]')
    .waitFor({ timeout: 10_000 })
    .then(
      () => true,
      () => false,
    )
  const state = await page.locator('#room').getAttribute('data-ws')
  assert.ok(open, `the room socket of ${page.url()} did not open within 10 s (data-ws=${state})`)
}

/**
 * Waits until the page has fully handled (swapped, and run every listener of) a socket frame containing
 * `fragment`: after this, whatever chat.js does on arrival (scrolling) has happened.
 */
export async function waitForFrame(page: Page, fragment: string): Promise<void> {
  await page.waitForFunction(
    (f) => (window as unknown as { __frames: string[] }).__frames.some((d) => d.includes(f)),
    fragment,
    { timeout: 10_000 },
  )
}

export function composer(page: Page): Locator {
  return page.getByLabel('Message', { exact: true })
}

/** Types a message and sends it (Enter, or the Send button), then waits for the composer to be cleared. */
export async function send(page: Page, text: string, how: 'enter' | 'click' = 'enter'): Promise<void> {
  await composer(page).fill(text)
  if (how === 'enter') await composer(page).press('Enter')
  else await page.getByRole('button', { name: 'Send' }).click()
  await page.waitForFunction(
    () => (document.getElementById('composer-body') as HTMLTextAreaElement)?.value === '',
  )
}

/** The articles in the Messages log whose body text is exactly `text`. */
export function articlesWith(page: Page, text: string): Locator {
  return page
    .getByRole('log', { name: 'Messages' })
    .locator('article.message')
    .filter({ has: page.locator('.body').getByText(text, { exact: true }) })
}

/** How many articles of the log have exactly this body text (read in the page, whitespace included). */
export function countBody(page: Page, text: string): Promise<number> {
  return page.$$eval(
    '#messages article.message .body',
    (els, t) => els.filter((e) => e.textContent === t).length,
    text,
  )
}

/** Waits until exactly `n` articles of the log carry this body text. */
export async function waitForBody(page: Page, text: string, n = 1): Promise<void> {
  await page.waitForFunction(
    ([t, count]) =>
      [...document.querySelectorAll('#messages article.message .body')].filter((e) => e.textContent === t)
        .length === count,
    [text, n] as const,
    { timeout: 10_000 },
  )
}

/** The seqs of the log's articles, in document order. */
export function seqsOf(page: Page): Promise<number[]> {
  return page.$$eval('#messages article.message', (els) => els.map((e) => Number(e.getAttribute('data-seq'))))
}

/** How far the log is from its bottom, and where it is scrolled to. */
export function logScroll(page: Page): Promise<{ fromBottom: number; top: number; scrollable: boolean }> {
  return page.$eval('#messages', (el) => ({
    fromBottom: el.scrollHeight - el.scrollTop - el.clientHeight,
    top: el.scrollTop,
    scrollable: el.scrollHeight > el.clientHeight + 50,
  }))
}

/** Whether the last article of the log is inside both the log's box and the viewport. */
export function lastArticleVisible(page: Page): Promise<boolean> {
  return page.$eval('#messages', (log) => {
    const last = log.querySelector('article.message:last-of-type')
    if (!last) return false
    const r = last.getBoundingClientRect()
    const box = log.getBoundingClientRect()
    return r.bottom <= box.bottom + 1 && r.top >= box.top - 1 && r.bottom <= window.innerHeight && r.top >= 0
  })
}

/** Accepts the next dialog the page opens (an hx-confirm) and resolves with its message. */
export function acceptNextDialog(page: Page): Promise<string> {
  return new Promise((resolve) => {
    page.once('dialog', (dialog) => {
      const message = dialog.message()
      void dialog.accept().then(() => resolve(message))
    })
  })
}

export interface RoomFields {
  name?: string
  slug?: string
  topic?: string
  private?: boolean
}

/** Fills the fields given of an admin room form (Create a room, or a room's Settings) on the page. */
export async function fillRoomForm(page: Page, room: RoomFields): Promise<void> {
  if (room.name !== undefined) await page.getByLabel('Name', { exact: true }).fill(room.name)
  if (room.slug !== undefined) await page.getByLabel('Address: /rooms/…').fill(room.slug)
  if (room.topic !== undefined) await page.getByLabel('Topic (optional)').fill(room.topic)
  if (room.private !== undefined)
    await page.getByLabel('Private: only its members (and admins) can see it').setChecked(room.private)
}

/**
 * Creates a room with the form of /admin/rooms (the page's user must be an admin). The page ends on the new
 * room's admin page, whose address (without the query) is returned.
 */
export async function createRoomAsAdmin(
  page: Page,
  base: string,
  room: RoomFields & { name: string },
): Promise<string> {
  await page.goto(`${base}/admin/rooms`)
  await fillRoomForm(page, room)
  await page.getByRole('button', { name: 'Create room' }).click()
  await page.waitForURL(/\/admin\/rooms\/\d+\?done=created$/)
  return page.url().replace(/\?.*$/, '')
}

/** The text of the first element at `selector`, whitespace collapsed ('' when there is none). */
export function textOf(page: Page, selector: string): Promise<string> {
  return page.evaluate(
    (s) => (document.querySelector(s)?.textContent ?? '').replace(/\s+/g, ' ').trim(),
    selector,
  )
}

/** Waits until the first element at `selector` has exactly this text, whitespace collapsed; says what it had. */
export async function waitForText(
  page: Page,
  selector: string,
  text: string,
  timeout = 10_000,
): Promise<void> {
  const ok = await page
    .waitForFunction(
      ([s, t]) => (document.querySelector(s)?.textContent ?? '').replace(/\s+/g, ' ').trim() === t,
      [selector, text] as const,
      { timeout },
    )
    .then(
      () => true,
      () => false,
    )
  if (!ok) assert.equal(await textOf(page, selector), text, `the text of ${selector} on ${page.url()}`)
}
