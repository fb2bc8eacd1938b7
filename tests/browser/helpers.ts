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

/**
 * Types a message and sends it (Enter, or the Send button), then waits until it went through: the box is
 * cleared at once, and the "sending…" entry goes once the server has stored it and it is in the log.
 */
export async function send(page: Page, text: string, how: 'enter' | 'click' = 'enter'): Promise<void> {
  await composer(page).fill(text)
  if (how === 'enter') await composer(page).press('Enter')
  else await page.getByRole('button', { name: 'Send' }).click()
  await page.waitForFunction(
    () =>
      (document.getElementById('composer-body') as HTMLTextAreaElement)?.value === '' &&
      document.querySelectorAll('#sending li').length === 0,
    undefined,
    { timeout: 10_000 },
  )
}

/** Sends `text` and, before its answer can come back, starts typing `typed` in the box. */
export function sendThenType(page: Page, text: string, typed: string): Promise<void> {
  return page.evaluate(
    ([sent, next]) => {
      const form = document.getElementById('composer') as HTMLFormElement
      const box = document.getElementById('composer-body') as HTMLTextAreaElement
      box.value = sent
      form.requestSubmit()
      box.value = next
    },
    [text, typed] as const,
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

// ---- Room features (sidebar, unread badges, typing, mentions, search, look and accessibility) ----

/** A browser context signed in as a user who already signed up over HTTP (keeps that HttpUser usable). */
export async function contextOf(
  browser: Browser,
  base: string,
  user: HttpUser,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const value = user.cookie('parley_session')
  assert.ok(value, 'the user has no session cookie')
  const context = await browser.newContext(options)
  await context.addCookies([{ name: 'parley_session', value, url: base, httpOnly: true, sameSite: 'Lax' }])
  return context
}

/** Posts a message over plain HTTP (the no-JS path), which announces it like any other message. */
export async function postAs(user: HttpUser, slug: string, body: string): Promise<void> {
  const res = await user.post(`/rooms/${slug}/messages`, {
    body,
    client_id: crypto.randomUUID(),
  })
  assert.equal(res.status, 303, `posting "${body.slice(0, 40)}" to #${slug}: ${res.html.slice(0, 200)}`)
}

/** Creates an open room as an admin over HTTP; resolves with its id (its sidebar item is `#side-<id>`). */
export async function createRoomOverHttp(admin: HttpUser, name: string, slug: string): Promise<number> {
  await admin.get('/admin/rooms')
  const res = await admin.post('/admin/rooms', { name, slug, topic: '' })
  const id = Number(/\/admin\/rooms\/(\d+)/.exec(res.location ?? '')?.[1])
  assert.ok(id > 0, `could not create #${slug}: ${res.status} ${res.html.slice(0, 200)}`)
  return id
}

/** The sidebar ("Rooms" navigation) link of a room, by its accessible name: "<name>[ N unread[, M mentioning you]]". */
export function sideLink(page: Page, name: string): Locator {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return page
    .getByRole('navigation', { name: 'Rooms' })
    .getByRole('link', { name: new RegExp(`^${escaped}( \\d+ unread.*)?$`) })
}

/** What a room's sidebar item shows: its unread badge's number ('' when none) and whether it is "mentioned". */
export function badgeOf(page: Page, roomId: number): Promise<{ unread: string; mentioned: boolean }> {
  return page.evaluate((id) => {
    const li = document.getElementById(`side-${id}`)
    const badge = li?.querySelector('.unread')
    return {
      unread: badge?.firstChild?.textContent?.trim() ?? '',
      mentioned: li?.classList.contains('mentioned') ?? false,
    }
  }, roomId)
}

/** Waits until a room's sidebar item shows this badge (unread '' = no badge); says what it showed instead. */
export async function waitForBadge(
  page: Page,
  roomId: number,
  want: { unread: string; mentioned?: boolean },
  timeout = 10_000,
): Promise<void> {
  const ok = await page
    .waitForFunction(
      ([id, unread, mentioned]) => {
        const li = document.getElementById(`side-${id}`)
        const shown = li?.querySelector('.unread')?.firstChild?.textContent?.trim() ?? ''
        return shown === unread && (mentioned === null || li?.classList.contains('mentioned') === mentioned)
      },
      [roomId, want.unread, want.mentioned ?? null] as const,
      { timeout },
    )
    .then(
      () => true,
      () => false,
    )
  if (!ok)
    assert.deepEqual(
      await badgeOf(page, roomId),
      { unread: want.unread, mentioned: want.mentioned ?? (await badgeOf(page, roomId)).mentioned },
      `the sidebar badge of room ${roomId} on ${page.url()} within ${timeout} ms`,
    )
}

/** Waits until the focused element is the composer's textarea. */
export async function waitComposerFocused(page: Page): Promise<void> {
  const ok = await page
    .waitForFunction(() => document.activeElement?.id === 'composer-body', undefined, { timeout: 5_000 })
    .then(
      () => true,
      () => false,
    )
  const focused = await page.evaluate(
    () => `${document.activeElement?.tagName.toLowerCase()}#${document.activeElement?.id}`,
  )
  assert.ok(ok, `the composer has the focus (the focus is on ${focused})`)
}

/** How wide the page is against its viewport: it must not scroll sideways. */
export function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }))
}

export interface AxeFinding {
  id: string
  impact: string
  help: string
  nodes: Array<{ target: string; summary: string }>
}

/** Runs axe-core in the page (injected as a script) and resolves with its violations of the given impacts. */
export async function axeViolations(
  page: Page,
  source: string,
  impacts: string[] = ['serious', 'critical'],
): Promise<AxeFinding[]> {
  const has = await page.evaluate(() => 'axe' in window)
  if (!has) await page.addScriptTag({ content: source })
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe
    const result = await axe.run()
    return result.violations as Array<{
      id: string
      impact: string | null
      help: string
      nodes: Array<{ target: unknown[]; failureSummary?: string }>
    }>
  })
  return found
    .filter((v) => impacts.includes(v.impact ?? ''))
    .map((v) => ({
      id: v.id,
      impact: v.impact ?? '',
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target.map(String).join(' '),
        summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').trim(),
      })),
    }))
}
