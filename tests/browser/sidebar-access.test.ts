import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { addMember, createRoom } from '../support/admin.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { primaryBackend } from '../support/backends.ts'
import { launchChromium } from '../support/chromium.ts'
import { userId } from '../support/db-lookups.ts'
import { HttpUser } from '../support/http.ts'
import { contextOf, openRoom, postAs, waitForBadge, waitForBody } from './helpers.ts'

/** The frames a page swapped (recorded by openRoom) from the `from`th on that mention `words`. */
function framesMentioning(page: Page, from: number, words: string[]): Promise<string[]> {
  return page.evaluate(
    ([n, ws]) =>
      (window as unknown as { __frames: string[] }).__frames
        .slice(n)
        .filter((f) => ws.some((w) => f.includes(w))),
    [from, words] as const,
  )
}

const framesSoFar = (page: Page) =>
  page.evaluate(() => (window as unknown as { __frames: string[] }).__frames.length)

describe('who sees what, in the browser (issue 12, items 3 and 9)', { timeout: 120_000 }, () => {
  let app: TestApp
  let browser: Browser
  let root: HttpUser
  let kim: HttpUser
  let lou: HttpUser
  const contexts: BrowserContext[] = []
  const pageErrors: string[] = []

  const open = async (user: HttpUser, slug: string) => {
    const context = await contextOf(browser, app.url, user)
    contexts.push(context)
    const page = await openRoom(context, app.url, slug)
    page.on('pageerror', (e) => pageErrors.push(e.message))
    return page
  }

  before(async () => {
    app = await startTestApp(primaryBackend())
    browser = await launchChromium()
    root = await HttpUser.signUp(app.url, 'root')
    kim = await HttpUser.signUp(app.url, 'kim')
    lou = await HttpUser.signUp(app.url, 'lou')
  })
  after(async () => {
    for (const c of contexts) await c.close()
    await browser?.close()
    await app?.close()
  })

  it('a member removed from a private room sees it leave their sidebar, and hears nothing more of it', async () => {
    const id = await createRoom(root, { name: 'Backroom', private: true })
    await addMember(root, id, 'kim')
    await addMember(root, id, 'lou')
    const kimPage = await open(kim, 'general')
    const louPage = await open(lou, 'general')
    await kimPage.locator(`#side-${id}`).waitFor()
    // The page's own first sidebar frame (sent as its socket resumes) is in before anything is counted.
    await kimPage.waitForFunction(
      (side) => (window as unknown as { __frames: string[] }).__frames.some((f) => f.includes(side)),
      `id="side-${id}"`,
    )
    const from = await framesSoFar(kimPage)
    const res = await root.post(`/admin/rooms/${id}/members/${await userId(app, 'kim')}/remove`, {})
    assert.equal(res.status, 303)
    await kimPage.locator(`#side-${id}`).waitFor({ state: 'detached', timeout: 5_000 })
    await postAs(root, 'backroom', 'after kim left')
    await postAs(root, 'backroom', 'and again')
    await waitForBadge(louPage, id, { unread: '2' }, 5_000)
    const later = (
      await framesMentioning(kimPage, from, ['Backroom', '/rooms/backroom', `side-${id}"`])
    ).filter((f) => !f.includes('hx-swap="delete"'))
    assert.deepEqual(later, [], 'no frame about the room after the removal')
    assert.equal(await kimPage.locator(`#side-${id}`).count(), 0)
    assert.deepEqual(pageErrors, [])
  })

  it('shows a link exactly as it goes, isolated left to right; a URL with U+202E is not a link', async () => {
    const page = await open(kim, 'general')
    const rtl = 'مرحبا https://ok.example/path/12 شكرا'
    await postAs(root, 'general', rtl)
    await waitForBody(page, rtl)
    const link = page.locator('.message .body a', { hasText: 'https://ok.example/path/12' })
    const style = await link.evaluate((a) => {
      const s = getComputedStyle(a)
      return {
        bidi: s.unicodeBidi,
        direction: s.direction,
        href: a.getAttribute('href'),
        text: a.textContent,
      }
    })
    assert.deepEqual(style, {
      bidi: 'isolate',
      direction: 'ltr',
      href: 'https://ok.example/path/12',
      text: 'https://ok.example/path/12',
    })
    const attack = 'sign in at https://evil.example/\u202Emoc.elgoog'
    await postAs(root, 'general', attack)
    await waitForBody(page, attack)
    const links = await page.$$eval(
      '#messages .message .body',
      (els, t) => {
        const body = els.find((e) => e.textContent === t)
        return body ? body.querySelectorAll('a').length : -1
      },
      attack,
    )
    assert.equal(links, 0, 'shown as text, not a link')
  })
})
