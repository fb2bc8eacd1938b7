// Starts Parley on the embedded defaults, has alice and bob chat in #general, and saves a screenshot of
// alice's room page to tests/browser/screenshots/room.png; then sets up a few rooms (open, private, archived)
// and saves the rooms admin page to admin-rooms.png.  Run: npm run screenshot
import { randomBytes } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { waitLive } from '../browser/helpers.ts'
import { startTestApp } from './app.ts'
import { launchChromium } from './chromium.ts'
import { HttpUser } from './http.ts'

const OUT = path.resolve('tests/browser/screenshots/room.png')
const ADMIN_OUT = path.resolve('tests/browser/screenshots/admin-rooms.png')

const CHAT: Array<['alice' | 'bob', string]> = [
  ['bob', 'Morning! Is staging still broken after last night’s deploy?'],
  [
    'alice',
    'Fixed about an hour ago: the migration was missing an index. Details in https://github.com/example/parley/pull/42',
  ],
  [
    'bob',
    'Great, thanks. Checklist for Friday’s release:\n- freeze main at noon\n- run the smoke tests\n- tag v0.2 and write the notes',
  ],
  ['alice', 'Looks good to me. I’ll take the smoke tests.'],
  ['bob', 'Perfect. Lunch at 12:30?'],
]

const app = await startTestApp({ name: 'pglite+memory' })
const browser = await launchChromium()
try {
  const alice = await HttpUser.signUp(app.url, 'alice')
  const bob = await HttpUser.signUp(app.url, 'bob')
  await bob.get('/rooms/general')
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } })
  await context.addCookies([
    { name: 'parley_session', value: alice.cookie('parley_session') ?? '', url: app.url },
  ])
  const page = await context.newPage()
  await page.goto(`${app.url}/rooms/general`)
  await waitLive(page)
  const box = page.getByLabel('Message', { exact: true })
  for (const [who, text] of CHAT) {
    if (who === 'bob') {
      const res = await bob.post('/rooms/general/messages', {
        body: text,
        client_id: randomBytes(9).toString('base64url'),
      })
      if (res.status !== 303) throw new Error(`bob's post failed: ${res.status}`)
    } else {
      await box.fill(text)
      await box.press('Enter')
    }
    const last = text.split('\n').at(-1) ?? text
    await page.locator('#messages article.message .body').filter({ hasText: last }).waitFor()
  }
  await box.focus()
  await mkdir(path.dirname(OUT), { recursive: true })
  await page.screenshot({ path: OUT })
  console.log(`saved ${path.relative(process.cwd(), OUT)}`)

  const rooms: Array<[string, string, boolean, string]> = [
    ['Design reviews', 'design', false, 'Mockups go here first.'],
    ['Ops team', 'ops', true, 'On-call hand-over.'],
    ['Release 2.2', '', false, 'Shipped: kept for the record.'],
  ]
  for (const [name, slug, priv, first] of rooms) {
    const res = await alice.post('/admin/rooms', {
      name,
      slug,
      topic: '',
      ...(priv ? { private: 'on' } : {}),
    })
    const id = /\/admin\/rooms\/(\d+)/.exec(res.location ?? '')?.[1]
    if (!id) throw new Error(`could not create ${name}: ${res.status}`)
    if (priv) await alice.post(`/admin/rooms/${id}/members`, { username: 'bob' })
    const at = slug || 'release-2-2'
    await alice.post(`/rooms/${at}/messages`, {
      body: first,
      client_id: randomBytes(9).toString('base64url'),
    })
    if (name === 'Release 2.2') await alice.post(`/admin/rooms/${id}/archive`, {})
  }
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(`${app.url}/admin/rooms`)
  await page.screenshot({ path: ADMIN_OUT })
  console.log(`saved ${path.relative(process.cwd(), ADMIN_OUT)}`)
} finally {
  await browser.close()
  await app.close()
}
