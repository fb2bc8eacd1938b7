import { Router } from '@koa/router'
import { auditPage, peopleOverview, personById } from '../chat/admin-reads.ts'
import * as peopleAdmin from '../chat/people.ts'
import { renderAdminAudit, renderAdminPeople, renderResetLinkPage } from '../render/admin.ts'
import { renderConfirmPage } from '../render/moderation.ts'
import { adminOnly, done } from './admin-guard.ts'
import { requireUser } from './session.ts'
import { type AppDeps, type AppState, type Ctx, viewer } from './state.ts'

const NOTICES: Record<string, string> = {
  promoted: 'They are an admin now.',
  demoted: 'They are a member now.',
  deactivated: 'Deactivated: they were signed out everywhere.',
  reactivated: 'Reactivated: they can sign in again.',
}

/** The link's address: PUBLIC_URL's first origin when set, else the address this request came to. */
function origin(deps: AppDeps, ctx: Ctx): string {
  return deps.config.publicOrigins[0] ?? `${ctx.protocol}://${ctx.host}`
}

/** /admin/people (roles, deactivation, reset links) and /admin/audit. */
export function adminPeopleRoutes(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/admin' })
  router.use(adminOnly())

  router.get('/people', async (ctx) => {
    const people = await peopleOverview(deps, requireUser(ctx))
    ctx.body = renderAdminPeople({ viewer: viewer(ctx), people, notice: NOTICES[String(ctx.query.done)] })
  })

  for (const [path, role] of [
    ['promote', 'admin'],
    ['demote', 'member'],
  ] as const) {
    router.post(`/people/:id/${path}`, async (ctx) => {
      const user = await peopleAdmin.setRole(deps, requireUser(ctx), ctx.params.id, role)
      // An admin who made themselves a member has no admin page to come back to.
      done(ctx, user.id === requireUser(ctx).id && role === 'member' ? '/' : `/admin/people?done=${path}d`)
    })
  }

  router.get('/people/:id/deactivate', async (ctx) => {
    const person = await personById(deps, requireUser(ctx), ctx.params.id)
    if (!person) return // 404 from the boundary
    ctx.body = renderConfirmPage({
      viewer: viewer(ctx),
      title: `Deactivate ${person.username}?`,
      text: `${person.username} is signed out everywhere at once and cannot sign in until reactivated. Their messages stay.`,
      action: `/admin/people/${person.id}/deactivate`,
      button: `Deactivate ${person.username}`,
      back: '/admin/people',
    })
  })

  for (const [path, active] of [
    ['deactivate', false],
    ['reactivate', true],
  ] as const) {
    router.post(`/people/:id/${path}`, async (ctx) => {
      await peopleAdmin.setActive(deps, requireUser(ctx), ctx.params.id, active)
      done(ctx, `/admin/people?done=${path}d`)
    })
  }

  router.post('/people/:id/reset-link', async (ctx) => {
    const { user, token } = await peopleAdmin.issueResetLink(deps, requireUser(ctx), ctx.params.id)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = renderResetLinkPage({
      viewer: viewer(ctx),
      person: user,
      link: `${origin(deps, ctx)}/reset/${token}`,
      hours: peopleAdmin.RESET_LINK_HOURS,
    })
  })

  router.get('/audit', async (ctx) => {
    const { lines, older } = await auditPage(deps, requireUser(ctx), ctx.query.before)
    ctx.body = renderAdminAudit({ viewer: viewer(ctx), rows: lines, older })
  })

  return router
}
