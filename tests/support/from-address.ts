import { request } from 'node:http'
import { keepCookie, type Page } from './http.ts'

/**
 * A visitor whose requests come from another loopback address (127.0.0.2, 127.0.0.3 …: Linux routes all of
 * 127/8 to lo), so the server sees a different client address without trusting any forwarded header.
 */
export class AddressedVisitor {
  private readonly cookies = new Map<string, string>()
  csrf = ''

  constructor(
    readonly base: string,
    readonly localAddress: string,
  ) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  request(path: string, form?: Record<string, string>): Promise<Page> {
    const body = form ? new URLSearchParams(form).toString() : undefined
    const headers: Record<string, string> = { cookie: this.cookieHeader }
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded'
    const url = new URL(path, this.base)
    const method = body === undefined ? 'GET' : 'POST'
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, localAddress: this.localAddress }, (res) => {
        for (const line of res.headers['set-cookie'] ?? []) this.keep(line)
        let html = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          html += chunk
        })
        res.on('end', () => {
          const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1]
          if (token) this.csrf = token
          resolve({ status: res.statusCode ?? 0, html, location: res.headers.location ?? null })
        })
      })
      req.on('error', reject)
      req.end(body)
    })
  }

  get(path: string): Promise<Page> {
    return this.request(path)
  }

  post(path: string, form: Record<string, string>): Promise<Page> {
    return this.request(path, { _csrf: this.csrf, ...form })
  }

  /** Keeps a cookie as if the server had set it (a Set-Cookie line). */
  keep(line: string): void {
    keepCookie(this.cookies, line)
  }
}
