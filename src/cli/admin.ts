import { signUp } from '../chat/accounts.ts'
import { Invalid } from '../chat/errors.ts'
import type { Role } from '../store/schema.ts'
import { updateRole } from '../store/users.repo.ts'
import { openCliStore } from './open.ts'

const USAGE = `usage:
  npm run admin -- promote <username>           make an existing user an admin
  npm run admin -- demote <username>            make an admin a member again
  npm run admin -- create-user <username> [admin]  create a user (password read from PARLEY_PASSWORD)`

async function main(args: string[]): Promise<number> {
  const [command, username, flag] = args
  if (!command || !username) {
    console.error(USAGE)
    return 2
  }
  const store = await openCliStore()
  try {
    if (command === 'promote' || command === 'demote') {
      const role: Role = command === 'promote' ? 'admin' : 'member'
      const user = await updateRole(store.db, username, role)
      if (!user) {
        console.error(`no user named "${username}"`)
        return 1
      }
      console.log(`${user.username} is now ${role === 'admin' ? 'an admin' : 'a member'}`)
      return 0
    }
    if (command === 'create-user') {
      const password = process.env.PARLEY_PASSWORD
      if (!password) {
        console.error("set PARLEY_PASSWORD to the new user's password (kept out of shell history and logs)")
        return 2
      }
      const user = await signUp(store.db, { username, password })
      if (flag === 'admin' && user.role !== 'admin') await updateRole(store.db, user.username, 'admin')
      console.log(`created ${user.username}${flag === 'admin' || user.role === 'admin' ? ' (admin)' : ''}`)
      return 0
    }
    console.error(USAGE)
    return 2
  } catch (err) {
    if (err instanceof Invalid) {
      console.error(err.message)
      return 1
    }
    throw err
  } finally {
    await store.close()
  }
}

process.exitCode = await main(process.argv.slice(2))
