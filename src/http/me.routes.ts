import { Router } from '@koa/router'
import type { AppState } from './state.ts'

/**
 * The viewer's own stylesheet: it shows the edit and delete links on their messages (every delete link for an
 * admin). Messages are rendered once for everyone; this is what makes the controls per viewer, with or
 * without JS and under a strict CSP. The server checks every edit and delete anyway.
 */
export function meRoutes(): Router<AppState> {
  const router = new Router<AppState>()
  router.get('/me.css', (ctx) => {
    const user = ctx.state.user
    ctx.type = 'text/css'
    ctx.set('Cache-Control', 'private, no-store')
    if (!user) {
      ctx.body = ''
      return
    }
    const rules = [
      `.message[data-author-id="${user.id}"] .actions a { display: inline; }`,
      // Mentions of the viewer stand out.
      `.mention[data-user="${user.username.toLowerCase()}"] { background: var(--accent); color: var(--accent-text); }`,
    ]
    if (user.role === 'admin') rules.push('.message .actions a.delete { display: inline; }')
    // Archived rooms (as loaded, or archived live) are read-only: nobody edits there, only admins delete.
    const archived = '.room:has(#composer.archived-note) .message .actions'
    rules.push(`${archived} a${user.role === 'admin' ? '.edit' : ''} { display: none; }`)
    ctx.body = `${rules.join('\n')}\n`
  })
  return router
}
