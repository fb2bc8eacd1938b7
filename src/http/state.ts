import type Koa from 'koa'
import type { Registry } from 'prom-client'
import type { RateLimiter, Rules } from '../chat/limits.ts'
import type { Announcer, Db, User } from '../chat/types.ts'
import type { Clock } from '../clock.ts'
import type { Config } from '../config.ts'
import type { Logger } from '../log.ts'
import type { Viewer } from '../render/view-models.ts'

export interface AppState {
  reqId: string
  user?: User | undefined
  /** The session cookie's token, when signed in. */
  sessionToken?: string | undefined
  csrf: string
}

export type Ctx = Koa.ParameterizedContext<AppState>

export interface Health {
  db: boolean
  bus: boolean
}

/** What the HTTP side needs from the composition root. */
export interface AppDeps {
  config: Config
  log: Logger
  db: Db
  announce: Announcer
  limiter: RateLimiter
  rules: Rules
  secret: string
  /** What sessions, reset links and device cookies are judged by (a test's clock moves on without sleeping). */
  clock: Clock
  health(): Promise<Health>
  metrics: Registry
}

export function viewer(ctx: Ctx): Viewer {
  return { user: ctx.state.user, csrf: ctx.state.csrf }
}

/** A form field as a string ('' when missing or not a string). */
export function field(ctx: Ctx, name: string): string {
  const body = ctx.request.body as Record<string, unknown> | undefined
  const value = body?.[name]
  return typeof value === 'string' ? value : ''
}
