import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import axe from 'axe-core'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startTestApp, type TestApp } from '../support/app.ts'
import { primaryBackend } from '../support/backends.ts'
import { launchChromium } from '../support/chromium.ts'
import { HttpUser } from '../support/http.ts'
import {
  type AxeFinding,
  axeViolations,
  contextOf,
  createRoomOverHttp,
  horizontalOverflow,
  openRoom,
  postAs,
  waitForBadge,
  waitForBody,
  waitForText,
  waitLive,
} from './helpers.ts'

const SHOTS = path.resolve('tests/browser/screenshots')
const WIDTHS = [375, 1280] as const
const SCHEMES = ['light', 'dark'] as const
const HEIGHT: Record<(typeof WIDTHS)[number], number> = { 375: 740, 1280: 800 }

/** The elements that stick out past the right edge of the viewport (the deepest first, at most 8). */
function stickingOut(page: Page): Promise<string> {
  return page.evaluate(() => {
    const out = [...document.querySelectorAll('body *')].filter(
      (e) => e.getBoundingClientRect().right > window.innerWidth + 0.5 && e.getClientRects().length > 0,
    )
    const deepest = out.filter((e) => !out.some((o) => o !== e && e.contains(o)))
    return deepest
      .slice(0, 8)
      .map((e) => {
        const r = e.getBoundingClientRect()
        const name = `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${[...e.classList].map((c) => `.${c}`).join('')}`
        const parent = e.parentElement
        const where = parent
          ? ` in ${parent.tagName.toLowerCase()}${[...parent.classList].map((c) => `.${c}`).join('')}`
          : ''
        return `${name}${where} (right edge ${Math.round(r.right)} px, ${Math.round(r.width)} px wide, "${(e.textContent ?? '').trim().slice(0, 40)}")`
      })
      .join('; ')
  })
}

/** One line per element axe found wrong: rule, impact, selector, what is wrong. */
function describeFindings(found: AxeFinding[]): string {
  return found
    .flatMap((v) => v.nodes.map((n) => `  ${v.id} (${v.impact}) at ${n.target}: ${v.help}. ${n.summary}`))
    .join('\n')
}

describe('the look: the room page at phone and desktop widths, light and dark, and accessibility', {
  timeout: 300_000,
}, () => {
  let app: TestApp
  let browser: Browser
  let alice: HttpUser // the admin
  let bob: HttpUser
  let bobPage: Page // bob is in #general too: "Here now: alice, bob"
  let randomId = 0
  let designId = 0

  before(async () => {
    app = await startTestApp(primaryBackend())
    browser = await launchChromium()
    alice = await HttpUser.signUp(app.url, 'alice')
    bob = await HttpUser.signUp(app.url, 'bob')
    randomId = await createRoomOverHttp(alice, 'random', 'random')
    designId = await createRoomOverHttp(alice, 'design-reviews', 'design-reviews')
    const chat: Array<[HttpUser, string]> = [
      [bob, 'Morning! Is staging still broken after last night’s deploy?'],
      [
        alice,
        'Fixed an hour ago: the migration was missing an index. Details in https://github.com/example/parley/pull/42/files#diff-0123456789abcdef0123456789abcdef',
      ],
      [alice, 'I’ll keep an eye on the error rate today.'],
      [
        bob,
        'Great, thanks @alice. Checklist for Friday’s release:\n- freeze main at noon\n- run the smoke tests\n- tag v0.2 and write the notes',
      ],
      [bob, 'Averyveryveryveryverylongwordwithoutanyspacesthatmustwrapinsteadofpushingthepagesideways'],
      [alice, 'Looks good to me. I’ll take the smoke tests, @bob takes the notes.'],
    ]
    for (const [who, text] of chat) await postAs(who, 'general', text)
    await postAs(bob, 'random', 'Anyone seen the new coffee machine?')
    await postAs(bob, 'random', '@alice it makes flat whites now')
    await postAs(bob, 'design-reviews', 'New mockups for the settings page are up')
    bobPage = await openRoom(await contextOf(browser, app.url, bob), app.url, 'general')
  })

  after(async () => {
    await browser?.close()
    await app?.close()
  })

  /** Alice's room page, live, with bob here and her unread badges in the sidebar. */
  async function aliceRoom(context: BrowserContext): Promise<Page> {
    const page = await openRoom(context, app.url, 'general')
    await waitForBody(page, 'Looks good to me. I’ll take the smoke tests, @bob takes the notes.')
    await waitForText(page, '#presence', 'Here now: alice, bob')
    await waitForBadge(page, randomId, { unread: '2', mentioned: true })
    await waitForBadge(page, designId, { unread: '1', mentioned: false })
    return page
  }

  for (const width of WIDTHS) {
    for (const scheme of SCHEMES) {
      it(`room page at ${width} px, ${scheme}: no sideways scrolling; screenshot room-${width}-${scheme}.png`, async () => {
        const context = await contextOf(browser, app.url, alice, {
          viewport: { width, height: HEIGHT[width] },
          colorScheme: scheme,
          timezoneId: 'UTC',
          locale: 'en-US',
        })
        try {
          const page = await aliceRoom(context)
          const dark = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)
          assert.equal(dark, scheme === 'dark', `the page is in ${scheme} mode`)
          await mkdir(SHOTS, { recursive: true })
          await page.screenshot({ path: path.join(SHOTS, `room-${width}-${scheme}.png`) })
          const { scrollWidth, innerWidth } = await horizontalOverflow(page)
          assert.ok(
            scrollWidth <= innerWidth,
            `the room page scrolls sideways at ${width} px (${scheme}): scrollWidth ${scrollWidth} > ${innerWidth}; ` +
              `sticking out: ${await stickingOut(page)}`,
          )
          // Everything a reader needs is on screen at this width: the log, the composer, the rooms.
          for (const [what, locator] of [
            ['the Messages log', page.getByRole('log', { name: 'Messages' })],
            ['the composer', page.getByLabel('Message', { exact: true })],
            ['the Send button', page.getByRole('button', { name: 'Send' })],
            ['the rooms sidebar', page.getByRole('navigation', { name: 'Rooms' })],
          ] as const) {
            const box = await locator.boundingBox()
            assert.ok(
              box && box.x >= 0 && box.x + box.width <= width + 0.5 && box.width > 0,
              `${what} fits in ${width} px`,
            )
          }
        } finally {
          await context.close()
        }
      })
    }
  }

  it('no main page scrolls sideways at 375 px', async () => {
    const context = await contextOf(browser, app.url, alice, { viewport: { width: 375, height: 740 } })
    const signedOut = await browser.newContext({ viewport: { width: 375, height: 740 } })
    try {
      const wide: string[] = []
      for (const [ctx, where] of [
        [context, '/'],
        [context, '/search?q=smoke'],
        [context, '/admin/rooms'],
        [signedOut, '/login'],
      ] as const) {
        const page = await ctx.newPage()
        await page.goto(`${app.url}${where}`)
        const { scrollWidth, innerWidth } = await horizontalOverflow(page)
        if (scrollWidth > innerWidth)
          wide.push(
            `${where}: scrollWidth ${scrollWidth} > ${innerWidth}; sticking out: ${await stickingOut(page)}`,
          )
        await page.close()
      }
      assert.deepEqual(wide, [], 'pages wider than the phone')
    } finally {
      await context.close()
      await signedOut.close()
    }
  })

  for (const scheme of SCHEMES) {
    describe(`accessibility (axe-core ${axe.version}), ${scheme} mode: no serious or critical violations`, () => {
      let context: BrowserContext
      let signedOut: BrowserContext

      before(async () => {
        // The pages' CSP (script-src 'self') would refuse axe's inline script: only these contexts bypass it.
        const options = {
          colorScheme: scheme,
          viewport: { width: 1280, height: 800 },
          bypassCSP: true,
        } as const
        context = await contextOf(browser, app.url, alice, options)
        signedOut = await browser.newContext(options)
      })
      after(async () => {
        await context?.close()
        await signedOut?.close()
      })

      const pages: Array<[string, () => Promise<Page>]> = [
        [
          '/ (the room list)',
          async () => {
            const page = await context.newPage()
            await page.goto(`${app.url}/`)
            return page
          },
        ],
        ['/rooms/general (live, with unread badges and mentions)', () => aliceRoom(context)],
        [
          '/rooms/general (someone typing, @mention suggestions open)',
          async () => {
            const page = await aliceRoom(context)
            await bobPage.getByLabel('Message', { exact: true }).pressSequentially('On it')
            await waitForText(page, '#typing', 'bob is typing…')
            await page.getByLabel('Message', { exact: true }).pressSequentially('Thanks @b')
            await page.getByRole('button', { name: '@bob' }).waitFor()
            await bobPage.getByLabel('Message', { exact: true }).fill('')
            return page
          },
        ],
        [
          '/search?q=x',
          async () => {
            const page = await context.newPage()
            await page.goto(`${app.url}/search?q=x`)
            return page
          },
        ],
        [
          '/search?q=smoke (with highlighted hits)',
          async () => {
            const page = await context.newPage()
            await page.goto(`${app.url}/search?q=smoke`)
            await page.locator('.hit mark').first().waitFor()
            return page
          },
        ],
        [
          '/admin/rooms',
          async () => {
            const page = await context.newPage()
            await page.goto(`${app.url}/admin/rooms`)
            return page
          },
        ],
        [
          '/login (signed out)',
          async () => {
            const page = await signedOut.newPage()
            await page.goto(`${app.url}/login`)
            return page
          },
        ],
      ]
      // axe leaves one-character text ("2") out of its contrast rule ("too short to determine"): the badges
      // are checked here with the same WCAG formula.
      it('the sidebar unread badges (plain and "mentioned") have a text contrast of at least 4.5:1', async () => {
        const page = await aliceRoom(context)
        try {
          const badges = await page.$$eval('#sidebar .unread', (els) =>
            els.map((el) => {
              const style = getComputedStyle(el)
              const [hi, lo] = [style.color, style.backgroundColor]
                .map((c) => {
                  const [r = 0, g = 0, b = 0] = (c.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
                    const x = Number(v) / 255
                    return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4
                  })
                  return 0.2126 * r + 0.7152 * g + 0.0722 * b
                })
                .sort((a, b) => b - a)
              return {
                room: el.closest('li')?.id ?? '',
                mentioned: el.closest('li')?.classList.contains('mentioned') ?? false,
                color: style.color,
                background: style.backgroundColor,
                ratio: Math.round((((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05)) * 100) / 100,
              }
            }),
          )
          assert.ok(
            badges.some((b) => b.mentioned) && badges.some((b) => !b.mentioned),
            'both kinds are shown',
          )
          const poor = badges.filter((b) => b.ratio < 4.5)
          assert.deepEqual(
            poor,
            [],
            `badges under 4.5:1 in ${scheme} mode: ${poor.map((b) => `li#${b.room}${b.mentioned ? '.mentioned' : ''} .unread: ${b.color} on ${b.background} = ${b.ratio}:1`).join('; ')}`,
          )
        } finally {
          await page.close()
        }
      })

      for (const [name, open] of pages) {
        it(name, async () => {
          const page = await open()
          try {
            const found = await axeViolations(page, axe.source)
            assert.equal(found.length, 0, `axe found on ${name} (${scheme}):\n${describeFindings(found)}`)
          } finally {
            await page.close()
          }
        })
      }
    })
  }

  it('kept bob live in #general throughout', async () => {
    await waitLive(bobPage)
  })
})
