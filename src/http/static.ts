import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type Koa from 'koa'

const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url))
const htmxDist = path.dirname(createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js'))
const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
}

interface Asset {
  body: Buffer
  type: string
  etag: string
}

function load(file: string): Asset {
  const body = readFileSync(file)
  const etag = `"${createHash('sha1').update(body).digest('base64url').slice(0, 16)}"`
  return { body, type: TYPES[path.extname(file)] ?? 'application/octet-stream', etag }
}

/** The whole public surface, read once: public/* under /static/, and htmx (pinned) under /vendor/. */
function assets(): Map<string, Asset> {
  const map = new Map<string, Asset>()
  for (const name of readdirSync(PUBLIC_DIR)) map.set(`/static/${name}`, load(path.join(PUBLIC_DIR, name)))
  map.set('/vendor/htmx.min.js', load(path.join(htmxDist, 'htmx.min.js')))
  map.set('/vendor/hx-ws.min.js', load(path.join(htmxDist, 'ext', 'hx-ws.min.js')))
  return map
}

export function serveStatic(): Koa.Middleware {
  const files = assets()
  return async (ctx, next) => {
    const asset = ctx.method === 'GET' || ctx.method === 'HEAD' ? files.get(ctx.path) : undefined
    if (!asset) return next()
    ctx.set('Cache-Control', 'public, max-age=0, must-revalidate')
    ctx.set('ETag', asset.etag)
    if (ctx.get('If-None-Match') === asset.etag) {
      ctx.status = 304
      return
    }
    ctx.type = asset.type
    ctx.body = asset.body
  }
}
