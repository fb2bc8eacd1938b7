import { readFileSync } from 'node:fs'
import pino from 'pino'
import { storedKey } from '../../src/chat/send-key.ts'
import { body as validBody } from '../../src/chat/validate.ts'
import { openStore } from '../../src/store/db.ts'
import type { NodeProcess } from '../support/process.ts'
import type { StoredCheck, Tally } from './tally.ts'
import { sleep } from './traffic.ts'

/** The server's resident set in MB, from /proc (Linux), or 0 once it is gone. */
export function rssMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb ? Number(kb) / 1024 : 0
  } catch {
    return 0
  }
}

/** Samples the server's RSS every second and keeps the highest; stop() ends it. */
export function watchPeak(pid: number): { peak: () => number; stop: () => void } {
  let peak = rssMb(pid)
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMb(pid))
  }, 1000)
  return { peak: () => peak, stop: () => clearInterval(timer) }
}

export function isAlive(node: NodeProcess): boolean {
  return node.child.exitCode === null && node.child.signalCode === null
}

/** Log lines at error (50) or fatal (60), and the warnings (40) by message; the child logs at info. */
export function logProblems(node: NodeProcess): { errors: string[]; warnings: Map<string, number> } {
  const level = (e: Record<string, unknown>) => (typeof e.level === 'number' ? e.level : 0)
  const errors = node.logs.filter((e) => level(e) >= 50).map((e) => JSON.stringify(e).slice(0, 300))
  const warnings = new Map<string, number>()
  for (const e of node.logs.filter((e) => level(e) === 40))
    warnings.set(String(e.msg), (warnings.get(String(e.msg)) ?? 0) + 1)
  return { errors, warnings }
}

/** SIGTERM (graceful: sockets closed, database closed), SIGKILL if it hangs. */
export async function stopServer(node: NodeProcess): Promise<void> {
  if (!isAlive(node)) return
  node.child.kill('SIGTERM')
  const exited = await Promise.race([node.exited.then(() => true), sleep(20_000).then(() => false)])
  if (!exited) {
    node.child.kill('SIGKILL')
    await node.exited
  }
}

/**
 * Reads messages.client_id from the server's own database, after it stopped (PGlite allows one process per
 * directory; for Postgres it makes no difference), and compares it with what the clients were told.
 */
export async function checkStored(env: Record<string, string>, tally: Tally): Promise<StoredCheck> {
  const store = await openStore({
    databaseUrl: env.DATABASE_URL,
    schema: env.DATABASE_SCHEMA,
    dataDir: env.DATA_DIR ?? '',
    log: pino({ level: 'silent' }),
  })
  try {
    const rows = await store.db.selectFrom('messages').select('client_id').execute()
    const users = await store.db.selectFrom('users').select(['id', 'username']).execute()
    const idOf = new Map(users.map((u) => [u.username, u.id]))
    // Stored keys back to the keys the clients sent (a row no send accounts for keeps its stored key).
    const sendKeyOf = new Map<string, string>()
    for (const [key, { username, body }] of tally.sends) {
      // The server keys the text as it stores it (line endings normalised, trimmed); invalid ones are not.
      let text: string
      try {
        text = validBody(body)
      } catch {
        continue
      }
      sendKeyOf.set(storedKey(idOf.get(username) ?? -1, key, text), key)
    }
    const stored = new Map<string, number>()
    for (const row of rows) {
      const id = sendKeyOf.get(row.client_id) ?? row.client_id
      stored.set(id, (stored.get(id) ?? 0) + 1)
    }
    const count = (ids: Set<string>, test: (n: number) => boolean) =>
      [...ids].filter((id) => test(stored.get(id) ?? 0)).length
    return {
      rows: rows.length,
      acceptedMissing: count(tally.acceptedIds, (n) => n === 0),
      acceptedDuplicated: count(tally.acceptedIds, (n) => n > 1),
      refusedStored: count(tally.refusedIds, (n) => n > 0),
      storedUnaccounted: [...stored.keys()].filter(
        (id) => !tally.acceptedIds.has(id) && !tally.unknownIds.has(id),
      ).length,
    }
  } finally {
    await store.close()
  }
}
