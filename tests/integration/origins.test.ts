import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends, primaryBackend } from '../support/backends.ts'
import { HttpUser, PASSWORD } from '../support/http.ts'
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

// Without PUBLIC_URL the socket's page must come from this very origin: scheme, host and port.
for (const backend of backends()) {
  describe(`the socket's Origin check counts the scheme [${backend.name}]`, { timeout: 60_000 }, () => {
    let direct: TestApp
    let proxied: TestApp
    let listed: TestApp
    before(async () => {
      direct = await startTestApp(backend)
      proxied = await startTestApp(backend, { TRUST_PROXY: '1' })
      // The proxy is 127.0.0.2: the test's own requests from 127.0.0.1 do not come through it.
      listed = await startTestApp(backend, { TRUST_PROXY: '127.0.0.2' })
    })
    after(async () => {
      await Promise.all([direct?.close(), proxied?.close(), listed?.close()])
    })

    const cookieOf = async (app: TestApp, name: string) => (await HttpUser.signUp(app.url, name)).cookieHeader

    it('refuses an https page on an http server, and another port or host', async () => {
      const cookie = await cookieOf(direct, 'scheme-sue')
      const { host, port } = new URL(direct.url)
      const status = (origin: string, extra: Record<string, string> = {}) =>
        upgradeStatus(direct.url, 'general', { cookie, origin, ...extra })
      assert.equal(await status(direct.url), 101)
      assert.equal(await status(`https://${host}`), 403, 'https page, http server')
      assert.equal(await status(`ws://${host}`), 403)
      assert.equal(await status(`http://127.0.0.1:${Number(port) + 1}`), 403, 'another port')
      assert.equal(await status(`http://localhost:${port}`), 403, 'another host')
      assert.equal(await status('null'), 403)
      const forwarded = { 'X-Forwarded-Proto': 'https' }
      assert.equal(
        await status(`https://${host}`, forwarded),
        403,
        'no trusted proxy: X-Forwarded-Proto ignored',
      )
    })

    it('behind a trusted proxy, takes the scheme and host the proxy forwards', async () => {
      const cookie = await cookieOf(proxied, 'scheme-sam')
      const tls = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'chat.example.org' }
      const status = (origin: string, extra: Record<string, string>) =>
        upgradeStatus(proxied.url, 'general', { cookie, origin, ...extra })
      assert.equal(await status('https://chat.example.org', tls), 101)
      assert.equal(await status('http://chat.example.org', tls), 403, 'the page must be https too')
      assert.equal(await status('https://chat.example.org:8443', tls), 403)
      assert.equal(await status(proxied.url, {}), 101, 'no forwarded scheme: plain http')
    })

    it('ignores X-Forwarded-Proto from a peer that is not a listed proxy', async () => {
      const cookie = await cookieOf(listed, 'scheme-sid')
      const { host } = new URL(listed.url)
      const headers = { cookie, 'X-Forwarded-Proto': 'https' }
      assert.equal(await upgradeStatus(listed.url, 'general', { ...headers, origin: `https://${host}` }), 403)
      assert.equal(await upgradeStatus(listed.url, 'general', { ...headers, origin: listed.url }), 101)
    })
  })
}
