import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startTestApp, type TestApp } from '../support/app.ts'
import { primaryBackend } from '../support/backends.ts'
import { launchChromium } from '../support/chromium.ts'
import { HttpUser } from '../support/http.ts'
import {
  articlesWith,
  badgeOf,
  composer,
  contextOf,
  createRoomOverHttp,
  lastArticleVisible,
  logScroll,
  openRoom,
  postAs,
  send,
  sideLink,
  textOf,
  waitComposerFocused,
  waitForBadge,
  waitForBody,
  waitForText,
  waitLive,
} from './helpers.ts'

/** Waits until `#typing` is empty; resolves with how long that took. */
async function typingGone(page: Page, timeout: number): Promise<number> {
  const started = Date.now()
  await waitForText(page, '#typing', '', timeout)
  return Date.now() - started
}

describe('room features in the browser: badges, presence, typing, mentions, drafts, search', {
  timeout: 300_000,
}, () => {
  let app: TestApp
  let browser: Browser
  let alice: HttpUser // the admin (first to sign up)
  let bob: HttpUser
  let aliceContext: BrowserContext
  let bobContext: BrowserContext
  let aliceGeneral: Page
  let bobGeneral: Page
  let randomId = 0
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
    alice = await HttpUser.signUp(app.url, 'alice')
    bob = await HttpUser.signUp(app.url, 'bob')
    randomId = await createRoomOverHttp(alice, 'Random', 'random')
    aliceContext = await contextOf(browser, app.url, alice)
    bobContext = await contextOf(browser, app.url, bob)
    aliceGeneral = watch(await openRoom(aliceContext, app.url, 'general'))
    bobGeneral = watch(await openRoom(bobContext, app.url, 'general'))
  })

  after(async () => {
    await browser?.close()
    await app?.close()
  })

  // Badges move within a second or so (the server folds activity once a second): 3 s is "live".
  it('shows an unread badge live in the sidebar, marks mentions, and clears it once the room is read', async (t) => {
    assert.equal(await sideLink(bobGeneral, 'Random').count(), 1, 'the sidebar lists #random')
    assert.deepEqual(
      await badgeOf(bobGeneral, randomId),
      { unread: '', mentioned: false },
      'nothing unread yet',
    )

    await postAs(alice, 'random', 'Anyone up for a code review?')
    await waitForBadge(bobGeneral, randomId, { unread: '1', mentioned: false }, 3_000)
    await postAs(alice, 'random', 'It is a small one, I promise')
    await waitForBadge(bobGeneral, randomId, { unread: '2', mentioned: false }, 3_000)
    await postAs(alice, 'random', '@bob you know this code best')
    await waitForBadge(bobGeneral, randomId, { unread: '3', mentioned: true }, 3_000)
    await sideLink(bobGeneral, 'Random')
      .and(bobGeneral.getByRole('link', { name: 'Random 3 unread, 1 mentioning you' }))
      .waitFor()
    // Alice's own messages are never unread for her.
    assert.deepEqual(await badgeOf(aliceGeneral, randomId), { unread: '', mentioned: false })

    // A page loaded now starts from the stored counts.
    await bobGeneral.reload()
    await waitLive(bobGeneral)
    assert.deepEqual(await badgeOf(bobGeneral, randomId), { unread: '3', mentioned: true }, 'after a reload')

    // Bob reads #random in another tab: his #general tab drops the badge, without a reload.
    const { page: bobRandom, sent } = await openRoomLogged(bobContext, app.url, 'random')
    t.after(() => bobRandom.close())
    watch(bobRandom)
    await waitForBody(bobRandom, '@bob you know this code best')
    assert.deepEqual(
      await badgeOf(bobRandom, randomId),
      { unread: '', mentioned: false },
      'no badge on the room itself',
    )
    await waitForBadge(bobGeneral, randomId, { unread: '', mentioned: false })

    // With #random open, visible and at the bottom, what arrives there is read as it arrives: the page says
    // so, the server stores it, and the other tab's badge (which counted it) goes again.
    await postAs(alice, 'random', 'Thanks! Merged.')
    await waitForBody(bobRandom, 'Thanks! Merged.')
    const seq = Number(await articlesWith(bobRandom, 'Thanks! Merged.').getAttribute('data-seq'))
    await until(
      async () => sent.some((f) => /"type":"read"/.test(f) && Number(/"seq":(\d+)/.exec(f)?.[1]) >= seq),
      5_000,
      () => `the #random page sends a read mark up to seq ${seq} (it sent: ${sent.join(' ')})`,
    )
    await until(
      async () => (await lastRead(app, 'bob', randomId)) >= seq,
      5_000,
      async () =>
        `the server stores the read mark the page sent for seq ${seq} (stored: ${await lastRead(app, 'bob', randomId)}; ` +
        `the page sent: ${sent.filter((f) => f.includes('"read"')).join(' ')}; ` +
        `bob's #general tab shows: ${JSON.stringify(await badgeOf(bobGeneral, randomId))})`,
    )
    await waitForBadge(bobGeneral, randomId, { unread: '', mentioned: false })
    await bobGeneral.reload()
    await waitLive(bobGeneral)
    assert.deepEqual(
      await badgeOf(bobGeneral, randomId),
      { unread: '', mentioned: false },
      'a fresh page shows nothing unread in #random',
    )
  })

  it('counts again after a read, and a visit to the room clears it', async () => {
    // Start from "all read" whatever came before: opening the room's newest page is reading it.
    await bobGeneral.goto(`${app.url}/rooms/random`)
    await waitLive(bobGeneral)
    await bobGeneral.goto(`${app.url}/rooms/general`)
    await waitLive(bobGeneral)
    await waitForBadge(bobGeneral, randomId, { unread: '' })
    await postAs(alice, 'random', 'One more thing for later')
    await waitForBadge(bobGeneral, randomId, { unread: '1', mentioned: false })
    await postAs(alice, 'random', 'And another')
    await waitForBadge(bobGeneral, randomId, { unread: '2', mentioned: false })
    await bobGeneral.goto(`${app.url}/rooms/random`)
    await waitLive(bobGeneral)
    await waitForBody(bobGeneral, 'And another')
    await bobGeneral.goto(`${app.url}/rooms/general`)
    await waitLive(bobGeneral)
    assert.deepEqual(await badgeOf(bobGeneral, randomId), { unread: '', mentioned: false })
  })

  it('says who is here now', async () => {
    await waitForText(aliceGeneral, '#presence', 'Here now: alice, bob')
    await waitForText(bobGeneral, '#presence', 'Here now: alice, bob')
  })

  it('shows "bob is typing…" to the others, gone a few seconds after he stops, at once when he sends', async () => {
    await composer(bobGeneral).pressSequentially('Just a sec')
    const stopped = Date.now()
    await waitForText(aliceGeneral, '#typing', 'bob is typing…', 5_000)
    assert.equal(await textOf(bobGeneral, '#typing'), '', 'bob is not told about himself')
    await typingGone(aliceGeneral, 10_000)
    const lasted = Date.now() - stopped
    assert.ok(
      lasted >= 3_000,
      `the typing line stays a few seconds after the last keystroke (it went after ${lasted} ms)`,
    )

    await composer(bobGeneral).pressSequentially(', checking the logs')
    await waitForText(aliceGeneral, '#typing', 'bob is typing…', 5_000)
    await composer(bobGeneral).press('Enter')
    const gone = await typingGone(aliceGeneral, 2_500)
    await waitForBody(aliceGeneral, 'Just a sec, checking the logs')
    assert.ok(gone < 2_500, `sent: the typing line goes at once (${gone} ms)`)
  })

  it('suggests @names while typing and highlights a mention for the one mentioned only', async () => {
    await composer(aliceGeneral).fill('')
    await composer(aliceGeneral).pressSequentially('@b')
    const pick = aliceGeneral
      .getByRole('list', { name: 'Mention someone' })
      .getByRole('button', { name: '@bob' })
    await pick.waitFor({ timeout: 5_000 })
    await pick.click()
    assert.equal(await composer(aliceGeneral).inputValue(), '@bob ', 'the name is completed')
    await waitComposerFocused(aliceGeneral)
    assert.equal(
      await aliceGeneral.locator('#mentions button[data-mention]').count(),
      0,
      'the suggestions are gone once one is picked',
    )
    await composer(aliceGeneral).pressSequentially('the deploy is yours today')
    await composer(aliceGeneral).press('Enter')
    const text = '@bob the deploy is yours today'
    await waitForBody(bobGeneral, text)

    const look = (page: Page) =>
      articlesWith(page, text)
        .locator('.mention[data-user="bob"]')
        .evaluate((el) => {
          const probe = document.createElement('span')
          probe.style.background = 'var(--accent)'
          document.body.append(probe)
          const accent = getComputedStyle(probe).backgroundColor
          probe.remove()
          return { text: el.textContent, background: getComputedStyle(el).backgroundColor, accent }
        })
    const forBob = await look(bobGeneral)
    assert.equal(forBob.text, '@bob')
    assert.equal(forBob.background, forBob.accent, 'bob sees his own mention in the accent colour')
    const forAlice = await look(aliceGeneral)
    assert.notEqual(
      forAlice.background,
      forAlice.accent,
      'alice sees the mention of bob without the highlight',
    )
  })

  it('keeps the focus in the composer after sending with Enter', async () => {
    await send(bobGeneral, 'Sent with Enter')
    await waitComposerFocused(bobGeneral)
    await composer(bobGeneral).pressSequentially('and straight on typing')
    assert.equal(await composer(bobGeneral).inputValue(), 'and straight on typing')
    await composer(bobGeneral).fill('')
  })

  it('puts the focus back in the composer after sending with the Send button', async () => {
    await send(bobGeneral, 'Sent with the button', 'click')
    await waitForBody(aliceGeneral, 'Sent with the button')
    await waitComposerFocused(bobGeneral)
  })

  it('keeps a draft across a reload, per room, until it is sent', async () => {
    const draft = 'Half-written thought about the\nrelease notes'
    await composer(bobGeneral).fill(draft)
    await bobGeneral.reload()
    await waitLive(bobGeneral)
    assert.equal(await composer(bobGeneral).inputValue(), draft, 'the draft is back after the reload')

    await bobGeneral.goto(`${app.url}/rooms/random`)
    await waitLive(bobGeneral)
    assert.equal(await composer(bobGeneral).inputValue(), '', "#random has no draft of #general's")
    await bobGeneral.goBack()
    await waitLive(bobGeneral)
    assert.equal(await composer(bobGeneral).inputValue(), draft)

    await composer(bobGeneral).press('Enter')
    await waitForBody(aliceGeneral, draft)
    await bobGeneral.reload()
    await waitLive(bobGeneral)
    assert.equal(await composer(bobGeneral).inputValue(), '', 'a sent draft is gone')
  })

  it('finds a message with the sidebar search and lands on it in its room, in context', async () => {
    await postAs(alice, 'general', 'The zeppelin budget for Q3 is approved')
    for (let i = 1; i <= 80; i++) await postAs(bob, 'general', `Filler message ${i} of 80`)
    await postAs(alice, 'general', 'Newest news: the xylophone arrived')
    await waitForBody(bobGeneral, 'Newest news: the xylophone arrived')

    // An old message: its room page is a page of history around it.
    await bobGeneral.getByRole('search').getByLabel('Search messages').fill('zeppelin')
    await bobGeneral.getByRole('search').getByLabel('Search messages').press('Enter')
    await bobGeneral.waitForURL(`${app.url}/search?q=zeppelin`)
    const hits = bobGeneral.locator('.hit')
    assert.equal(await hits.count(), 1, 'one message matches')
    assert.match(await hits.first().innerText(), /zeppelin budget/)
    await hits
      .first()
      .getByRole('link', { name: /^#general alice / })
      .click()
    await bobGeneral.waitForURL(/\/rooms\/general\?around=\d+#message-\d+$/)
    const target = bobGeneral.locator('article.message:target')
    assert.equal(await target.count(), 1, 'the message is the :target')
    assert.equal(await target.locator('.body').textContent(), 'The zeppelin budget for Q3 is approved')
    assert.ok(await inView(bobGeneral, 'article.message:target'), 'the message is scrolled into view')
    await bobGeneral.getByText('You are reading older messages.').waitFor()

    // A recent message: the live page, still showing it, not jumping to the bottom.
    await bobGeneral.goto(`${app.url}/search?q=${encodeURIComponent('xylophone')}`)
    await bobGeneral.locator('.hit a').first().click()
    await bobGeneral.waitForURL(/\/rooms\/general\?around=\d+#message-\d+$/)
    await waitLive(bobGeneral)
    assert.equal(
      await bobGeneral.locator('article.message:target .body').textContent(),
      'Newest news: the xylophone arrived',
    )
    assert.ok(await inView(bobGeneral, 'article.message:target'), 'the message is in view')
    await bobGeneral.goto(`${app.url}/rooms/general`)
    await waitLive(bobGeneral)
  })

  it('shows times in the reader’s time zone, a "Today" divider, and groups consecutive messages', async () => {
    const tz = 'Pacific/Kiritimati' // UTC+14: never the server's UTC hour
    const context = await contextOf(browser, app.url, bob, { timezoneId: tz, locale: 'en-US' })
    const page = watch(await openRoom(context, app.url, 'random'))
    await postAs(alice, 'random', 'First of two in a row')
    await postAs(alice, 'random', 'Second of two in a row')
    await waitForBody(page, 'Second of two in a row')

    const time = articlesWith(page, 'First of two in a row').locator('time')
    const iso = await time.getAttribute('datetime')
    assert.ok(iso)
    const expected = new Intl.DateTimeFormat('en-US', {
      hour: '2-digit',
      minute: '2-digit',
      timeZone: tz,
    }).format(new Date(iso))
    assert.equal(await time.textContent(), expected, `the time is shown in ${tz}`)

    const dividers = page.getByRole('log', { name: 'Messages' }).getByRole('separator')
    assert.deepEqual(await dividers.allTextContents(), ['Today'], 'one day divider: Today')
    assert.equal(
      await articlesWith(page, 'Second of two in a row').evaluate((el) => el.classList.contains('grouped')),
      true,
      'a second message by the same author right after is grouped',
    )
    const authorWidth = (text: string) =>
      articlesWith(page, text)
        .locator('.author')
        .evaluate((el) => el.getBoundingClientRect().width)
    assert.ok(
      (await authorWidth('Second of two in a row')) <= 1,
      'a grouped message does not repeat the author',
    )
    await postAs(bob, 'random', 'Someone else in between')
    await waitForBody(page, 'Someone else in between')
    assert.ok((await authorWidth('Someone else in between')) > 1, 'another author starts a new group')
    await context.close()
  })

  it('offers "New messages ↓" to a reader scrolled up, and takes them to the newest', async () => {
    // #general has 80+ messages by now: more than fit.
    const log = bobGeneral.getByRole('log', { name: 'Messages' })
    assert.ok((await logScroll(bobGeneral)).scrollable)
    await log.hover()
    await bobGeneral.mouse.wheel(0, -100_000)
    await bobGeneral.waitForFunction(() => document.getElementById('messages')?.scrollTop === 0)
    const jump = bobGeneral.getByRole('button', { name: 'New messages ↓' })
    assert.equal(await jump.count(), 0, 'no button before anything arrives')

    await postAs(alice, 'general', 'Something new below')
    await waitForBody(bobGeneral, 'Something new below')
    await jump.waitFor({ timeout: 5_000 })
    assert.ok((await logScroll(bobGeneral)).top < 5, 'the reader was left where they were')
    await jump.click()
    await jump.waitFor({ state: 'hidden', timeout: 5_000 })
    assert.ok((await logScroll(bobGeneral)).fromBottom < 5, 'the log is at the bottom')
    assert.ok(await lastArticleVisible(bobGeneral), 'the newest message is in view')
  })

  it('ran without a page error or CSP violation', () => {
    assert.deepEqual(pageErrors, [])
  })
})

/** Opens a room page recording the socket frames it sends, and waits until it is live. */
async function openRoomLogged(
  context: BrowserContext,
  base: string,
  slug: string,
): Promise<{ page: Page; sent: string[] }> {
  const page = await context.newPage()
  const sent: string[] = []
  page.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(String(f.payload))))
  await page.goto(`${base}/rooms/${slug}`)
  await waitLive(page)
  return { page, sent }
}

/** The seq up to which a person has read a room, as stored. */
async function lastRead(app: TestApp, username: string, roomId: number): Promise<number> {
  const row = await app.store.db
    .selectFrom('room_reads')
    .innerJoin('users', 'users.id', 'room_reads.user_id')
    .select('room_reads.last_read_seq')
    .where('users.username', '=', username)
    .where('room_reads.room_id', '=', roomId)
    .executeTakeFirst()
  return Number(row?.last_read_seq ?? 0)
}

/** Checks `ok` every 50 ms until it holds; fails with `why` after `timeout` ms. */
async function until(
  ok: () => Promise<boolean>,
  timeout: number,
  why: () => string | Promise<string>,
): Promise<void> {
  const end = Date.now() + timeout
  while (!(await ok())) {
    if (Date.now() > end) assert.fail(await why())
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Whether the element is inside the log's box and the viewport. */
function inView(page: Page, selector: string): Promise<boolean> {
  return page.$eval(selector, (el) => {
    const r = el.getBoundingClientRect()
    const log = document.getElementById('messages')?.getBoundingClientRect()
    if (!log) return false
    return r.top >= log.top - 1 && r.bottom <= log.bottom + 1 && r.top >= 0 && r.bottom <= window.innerHeight
  })
}
