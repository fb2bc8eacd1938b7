import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startTestApp, type TestApp } from '../support/app.ts'
import { primaryBackend } from '../support/backends.ts'
import { PASSWORD } from '../support/http.ts'
import { upgradeStatus } from '../support/socket.ts'

// Behind a TLS proxy: PUBLIC_URL names the public origins; cookies become Secure and __Host- prefixed.
describe('served over https behind a proxy, with PUBLIC_URL', { timeout: 60_000 }, () => {
  let app: TestApp
  const https = { 'X-Forwarded-Proto': 'https' }
  before(async () => {
    app = await startTestApp(primaryBackend(), {
      PUBLIC_URL: 'https://chat.example.org,https://chat.example.net',
      TRUST_PROXY: 'true',
    })
  })
  after(() => app?.close())

  async function signUp(username: string): Promise<{ cookie: string; setCookie: string }> {
    const page = await fetch(`${app.url}/signup`, { headers: https })
    const visitor = page.headers.getSetCookie().find((c) => c.startsWith('__Host-parley_visitor=')) ?? ''
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? ''
    const res = await fetch(`${app.url}/signup`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        ...https,
        cookie: visitor.split(';')[0] ?? '',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ _csrf: csrf, username, password: PASSWORD }),
    })
    assert.equal(res.status, 303)
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-parley_session=')) ?? ''
    return { cookie: setCookie.split(';')[0] ?? '', setCookie }
  }

  it('sets __Host- cookies that are Secure, HttpOnly and SameSite=Lax', async () => {
    const { setCookie } = await signUp('secure-sam')
    assert.match(setCookie, /^__Host-parley_session=[A-Za-z0-9_-]{43}; path=\/; /)
    assert.match(setCookie, /; secure/i)
    assert.match(setCookie, /; httponly/i)
    assert.match(setCookie, /; samesite=lax/i)
    assert.doesNotMatch(setCookie, /domain=/i)
  })

  it('opens the socket only from the listed origins', async () => {
    const { cookie } = await signUp('origin-olga')
    const status = (origin: string) => upgradeStatus(app.url, 'general', { cookie, origin, ...https })
    assert.equal(await status('https://chat.example.org'), 101)
    assert.equal(await status('https://chat.example.net'), 101)
    assert.equal(await status('http://chat.example.org'), 403, 'the scheme counts')
    assert.equal(await status('https://chat.example.org.evil.example'), 403)
    assert.equal(await status(app.url), 403, 'the bare host is not a listed origin')
  })
})
