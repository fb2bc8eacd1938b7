import { hashToken, newToken } from '../auth/tokens.ts'
import type { Clock } from '../clock.ts'
import { insertAudit } from '../store/audit.repo.ts'
import { insertReset } from '../store/resets.repo.ts'
import { deleteUserSessions } from '../store/sessions.repo.ts'
import * as users from '../store/users.repo.ts'
import { type AdminDeps, requireAdmin } from './admin.ts'
import { Conflict, NotFound } from './errors.ts'
import type { Role, User } from './types.ts'
import * as valid from './validate.ts'

export const RESET_LINK_HOURS = 24
const LAST_ADMIN = 'Parley needs at least one active admin: make someone else an admin first.'

async function person(deps: AdminDeps, id: unknown) {
  const userId = valid.id(id)
  const user = userId === undefined ? undefined : await users.findUserById(deps.db, userId)
  if (!user) throw new NotFound('That person')
  return user
}

/** Promotes or demotes; demoting the last active admin is refused (checked under a lock: two at once cannot). */
export async function setRole(deps: AdminDeps, viewer: User, id: unknown, role: Role): Promise<User> {
  const actor = requireAdmin(viewer)
  const target = await person(deps, id)
  if (target.role === role) return target
  const changed = await deps.db.transaction().execute(async (trx) => {
    const admins = await users.lockAdmins(trx)
    if (role === 'member' && !target.deactivated && admins <= 1) throw new Conflict(LAST_ADMIN)
    const user = await users.setRole(trx, target.id, role)
    if (!user) throw new NotFound('That person')
    const action = role === 'admin' ? 'user.promote' : 'user.demote'
    await insertAudit(trx, { actor, action, target: { type: 'user', id: user.id, label: user.username } })
    return user
  })
  // A demoted admin keeps only the private rooms they are a member of.
  if (role === 'member') deps.announce.userAccessChanged(changed.id)
  return changed
}

/**
 * Deactivates (no sign-in, every session ended and every socket closed at once, their messages stay) or
 * reactivates someone. Nobody deactivates themselves, and the last active admin cannot be deactivated.
 */
export async function setActive(deps: AdminDeps, viewer: User, id: unknown, active: boolean): Promise<void> {
  const actor = requireAdmin(viewer)
  const target = await person(deps, id)
  if (target.deactivated === !active) return
  if (!active && target.id === actor.id) throw new Conflict('You cannot deactivate yourself.')
  await deps.db.transaction().execute(async (trx) => {
    const admins = await users.lockAdmins(trx)
    if (!active && target.role === 'admin' && admins <= 1) throw new Conflict(LAST_ADMIN)
    await users.setDeactivated(trx, target.id, !active)
    if (!active) await deleteUserSessions(trx, target.id)
    const action = active ? 'user.reactivate' : 'user.deactivate'
    await insertAudit(trx, { actor, action, target: { type: 'user', id: target.id, label: target.username } })
  })
  if (!active) deps.announce.userEnded(target.id)
}

/** A one-time link to choose a new password, valid RESET_LINK_HOURS; only its hash is stored. */
export async function issueResetLink(
  deps: AdminDeps & { clock: Clock },
  viewer: User,
  id: unknown,
): Promise<{ user: User; token: string }> {
  const actor = requireAdmin(viewer)
  const target = await person(deps, id)
  if (target.deactivated) throw new Conflict(`${target.username} is deactivated: reactivate them first.`)
  const token = newToken()
  await deps.db.transaction().execute(async (trx) => {
    await insertReset(
      trx,
      hashToken(token),
      target.id,
      new Date(deps.clock.now() + RESET_LINK_HOURS * 3_600_000),
    )
    await insertAudit(trx, {
      actor,
      action: 'user.reset-link',
      target: { type: 'user', id: target.id, label: target.username },
    })
  })
  return { user: target, token }
}
