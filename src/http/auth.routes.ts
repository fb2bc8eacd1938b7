import { Router } from '@koa/router'
import { cookieNames } from '../auth/cookie-names.ts'
import { DEVICE_MAX_AGE_MS, deviceNonce } from '../auth/device.ts'
import {
  type Credentials,
  deviceTokenFor,
  endSession,
  isFirstRun,
  signIn,
  signUp,
  startSession,
} from '../chat/accounts.ts'
import { Invalid, RateLimited } from '../chat/errors.ts'
import type { User } from '../chat/types.ts'
import { renderAuthPage } from '../render/pages.ts'
import { setCookie } from './cookies.ts'
import { safeNext } from './session.ts'
import { type AppDeps, type AppState, type Ctx, field, viewer } from './state.ts'

export function authRoutes(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>()
  const names = cookieNames(deps.config)

  async function signInAs(ctx: Ctx, user: User): Promise<void> {
    // A new token at every sign-in: a session id planted before sign-in is worth nothing after it.
    const { token, expires } = await startSession(deps.db, user, deps.config.sessionDays, deps.clock)
    setCookie(ctx, deps.config, names.session, token, expires)
    setCookie(ctx, deps.config, names.visitor, null)
    const device = await deviceTokenFor(deps.db, deps.secret, user, deps.clock)
    if (device)
      setCookie(ctx, deps.config, names.device, device, new Date(deps.clock.now() + DEVICE_MAX_AGE_MS))
    deps.log.info({ reqId: ctx.state.reqId, user: user.id }, 'signed in')
    ctx.status = 303
    ctx.redirect(safeNext(field(ctx, 'next')))
  }

  async function form(ctx: Ctx, kind: 'login' | 'signup', status = 200, errors?: Record<string, string>) {
    if (ctx.state.user && !errors) return ctx.redirect(safeNext(ctx.query.next))
    const firstRun = kind === 'signup' && (await isFirstRun(deps.db))
    const next = safeNext(errors ? field(ctx, 'next') : ctx.query.next)
    const values = { username: field(ctx, 'username') }
    ctx.status = status
    ctx.body = renderAuthPage(kind, { viewer: viewer(ctx), next, firstRun, values, errors: errors ?? {} })
  }

  router.get('/signup', (ctx) => form(ctx, 'signup'))
  router.get('/login', (ctx) => form(ctx, 'login'))

  // Sign-up and sign-in differ only in the use case: both sign the user in, or show the form with its errors.
  const submit =
    (kind: 'login' | 'signup', use: (ctx: Ctx, input: Credentials) => Promise<User>) => async (ctx: Ctx) => {
      try {
        await signInAs(
          ctx,
          await use(ctx, { username: field(ctx, 'username'), password: field(ctx, 'password') }),
        )
      } catch (err) {
        if (err instanceof Invalid) return form(ctx, kind, 422, err.fields)
        if (err instanceof RateLimited) {
          ctx.set('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))))
          return form(ctx, kind, 429, { form: err.message })
        }
        throw err
      }
    }
  router.post(
    '/signup',
    submit('signup', (ctx, input) => signUp(deps.db, input, { ...deps, ip: ctx.ip })),
  )
  router.post(
    '/login',
    submit('login', (ctx, input) => {
      const device = ctx.cookies.get(names.device)
      return signIn(deps, {
        ...input,
        ip: ctx.ip,
        device: (user) => deviceNonce(deps.secret, device, user, deps.clock.now()),
      })
    }),
  )

  router.post('/logout', async (ctx) => {
    if (ctx.state.sessionToken) await endSession(deps, ctx.state.sessionToken)
    setCookie(ctx, deps.config, names.session, null)
    ctx.status = 303
    ctx.redirect('/login')
  })

  return router
}
