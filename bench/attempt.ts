/** Running a scenario's work on each target in turn: what cannot run, or fails, is skipped with the reason. */
import { appendFile, mkdir } from 'node:fs/promises'
import { type Measured, runLoad } from './measure.ts'
import { type BenchOptions, type LoadShape, PROFILE_DIR, type TargetName } from './options.ts'
import { openFilesLimit } from './procstat.ts'
import type { Skipped } from './report.ts'
import { startTarget, whyNot } from './servers.ts'

export type Log = (text: string) => void

/** Descriptors besides the sockets: stdio, Redis, Postgres, the event loop, tsx… generously. */
const SPARE_FDS = 200

/** Why the open-files limit cannot hold `shape` (the load process holds every client socket, a node its share). */
export function fdShortfall(shape: LoadShape): string | undefined {
  const limit = openFilesLimit()
  const need = shape.clients + SPARE_FDS
  if (!(limit < need)) return undefined
  return `${shape.clients} sockets need ≥ ${need} open files per process, the limit is ${limit} (raise ulimit -n)`
}

/** Starts a fresh server (or cluster) for `target`, runs one load against it, and stops it. */
export async function measureOnce(
  target: TargetName,
  opts: BenchOptions,
  shape: LoadShape,
  nodes: number,
  log: Log,
): Promise<Measured> {
  log(`${target}: starting ${nodes > 1 ? `${nodes} nodes` : ''}`.trim())
  const server = await startTarget(target, opts, nodes).catch((err: Error) => {
    throw new Error(`did not start: ${err.message}`)
  })
  try {
    const m = await runLoad(server, shape, (text) => log(`${target}: ${text}`))
    if (opts.cpuProf) await noteWindow(target, server.pids, m)
    return m
  } finally {
    await server.stop()
  }
}

/** Which profile (by pid) covers which measured window, so bench/profile-summary.ts can cut the rest away. */
async function noteWindow(target: TargetName, pids: number[], m: Measured): Promise<void> {
  await mkdir(PROFILE_DIR, { recursive: true })
  await appendFile(`${PROFILE_DIR}/windows.jsonl`, `${JSON.stringify({ target, pids, ...m.window })}\n`)
}

/** `work` on every target of `opts` that can run here, in order; the others come back as skipped. */
export async function eachTarget<T>(
  opts: BenchOptions,
  shape: LoadShape,
  nodes: number,
  log: Log,
  work: (target: TargetName) => Promise<T>,
): Promise<{ rows: T[]; skipped: Skipped[] }> {
  const rows: T[] = []
  const skipped: Skipped[] = []
  const short = fdShortfall(shape)
  for (const target of opts.targets) {
    const why = short ?? (await whyNot(target, opts, nodes))
    if (why) {
      log(`skipping ${target}: ${why}`)
      skipped.push({ target, why })
      continue
    }
    try {
      rows.push(await work(target))
    } catch (err) {
      log(`${target} failed: ${(err as Error).message}`)
      skipped.push({ target, why: `failed: ${(err as Error).message}` })
    }
  }
  return { rows, skipped }
}
