export const PASSWORD = 'correct horse battery'

export interface Page {
  status: number
  html: string
  location: string | null
}

/** A signed-in (or not) visitor over real HTTP, with its own cookie jar. Redirects are not followed. */
/** Files one Set-Cookie line in a cookie jar, as a browser would (an emptied or expired cookie goes). */
export function keepCookie(jar: Map<string, string>, line: string): void {
  const [pair = ''] = line.split(';')
  const eq = pair.indexOf('=')
  const name = pair.slice(0, eq)
  const value = pair.slice(eq + 1)
  if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name)
  else jar.set(name, value)
}

export class HttpUser {
  private readonly cookies = new Map<string, string>()
  csrf = ''

  constructor(readonly base: string) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name)
  }

  async request(
    path: string,
    init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<Page> {
    const headers: Record<string, string> = { cookie: this.cookieHeader, ...init.headers }
    let body: string | undefined
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      body = new URLSearchParams(init.form).toString()
    }
    const res = await fetch(new URL(path, this.base), {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    })
    for (const line of res.headers.getSetCookie()) keepCookie(this.cookies, line)
    const html = await res.text()
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1]
    if (token) this.csrf = token
    return { status: res.status, html, location: res.headers.get('location') }
  }

  get(path: string, headers?: Record<string, string>): Promise<Page> {
    return this.request(path, { headers })
  }

  /** Posts a form with this visitor's current CSRF token (unless the form sets its own). */
  post(path: string, form: Record<string, string>, headers?: Record<string, string>): Promise<Page> {
    return this.request(path, { form: { _csrf: this.csrf, ...form }, headers })
  }

  static async signUp(base: string, username: string, password = PASSWORD): Promise<HttpUser> {
    const user = new HttpUser(base)
    await user.get('/signup')
    const res = await user.post('/signup', { username, password })
    if (res.status !== 303)
      throw new Error(`sign-up of ${username} failed with ${res.status}: ${res.html.slice(0, 300)}`)
    await user.get('/')
    return user
  }
}
