/** Accounts and rooms a Parley bench needs: an admin who makes the rooms, one account per sender, one watcher. */
import { HttpUser } from '../tests/support/http.ts'
import type { LoadShape } from './options.ts'

const SIGNUP_CONCURRENCY = 4

export interface ParleyCast {
  slugs: string[]
  /** The account of each socket, by client index (senders their own, receivers share the watcher). */
  userOf: (client: number, isSender: boolean) => HttpUser
}

export async function pool<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count)
  let next = 0
  const worker = async () => {
    for (let i = next++; i < count; i = next++) results[i] = await task(i)
  }
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker))
  return results
}

export async function castParley(url: string, shape: LoadShape): Promise<ParleyCast> {
  const admin = await HttpUser.signUp(url, 'bench_admin')
  const slugs: string[] = []
  for (let r = 0; r < shape.rooms; r++) {
    const res = await admin.post('/rooms', { name: `Bench ${r}`, topic: 'npm run bench' })
    if (res.status !== 303 || !res.location) throw new Error(`creating room ${r} failed with ${res.status}`)
    slugs.push(res.location.replace('/rooms/', ''))
  }
  const senders = await pool(shape.rooms * shape.senders, SIGNUP_CONCURRENCY, (i) =>
    HttpUser.signUp(url, `bench_s${i}`),
  )
  const watcher = await HttpUser.signUp(url, 'bench_watch')
  // Client i sits in room i % rooms; the first `senders` clients of each room send.
  const userOf = (client: number, isSender: boolean) => (isSender ? (senders[client] as HttpUser) : watcher)
  return { slugs, userOf }
}
