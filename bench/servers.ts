/**
 * Starts each target's server process(es) and says why a target cannot run. With `nodes` > 1 the processes
 * share one Redis (and, for Parley, one Postgres schema), as behind a load balancer.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { isolatedEnv } from '../tests/support/app.ts'
import { assertReachable } from '../tests/support/backends.ts'
import type { Kind } from './clients.ts'
import type { BenchOptions, TargetName } from './options.ts'
import { PROFILE_FLAGS, spawnParleyNode } from './parley-node.ts'

export interface RunningTarget {
  kind: Kind
  /** One per node. */
  urls: string[]
  pids: number[]
  stop: () => Promise<void>
}

/** Parley's limits raised as far as its config allows (MESSAGE_BURST ≤ 10 000, MESSAGES_PER_10S ≤ 100 000). */
export const RAISED = { MESSAGE_BURST: '10000', MESSAGES_PER_10S: '100000', SOCKETS_PER_IP: '100000' }

/** Why `target` cannot run here, or undefined when it can. */
export async function whyNot(target: TargetName, opts: BenchOptions, nodes = 1): Promise<string | undefined> {
  if (nodes > 1 && target === 'parley-embedded')
    return 'PGlite and the in-memory bus live inside one process: the embedded default cannot run two nodes'
  const needs = target === 'parley-embedded' ? [] : target === 'parley-pg' ? ['db', 'redis'] : ['redis']
  if (needs.includes('redis')) {
    const err = await assertReachable(opts.redisUrl).catch((e: Error) => e)
    if (err) return `needs Redis at ${opts.redisUrl} (set BENCH_REDIS_URL): ${err.message}`
  }
  if (needs.includes('db')) {
    const err = await assertReachable(opts.databaseUrl).catch((e: Error) => e)
    if (err) return `needs Postgres at ${opts.databaseUrl} (set BENCH_DATABASE_URL): ${err.message}`
  }
  if (target === 'socketio') {
    try {
      await import('socket.io')
      await import('@socket.io/redis-adapter')
    } catch {
      return 'needs socket.io and @socket.io/redis-adapter (npm install)'
    }
  }
  return undefined
}

/** SIGTERM, then SIGKILL after `graceMs` (a profiled node needs time to write its profile on the way out). */
export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve()
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const force = setTimeout(() => child.kill('SIGKILL'), graceMs)
  return exited.finally(() => clearTimeout(force))
}

interface Started {
  url: string
  pid: number
  stop: () => Promise<void>
}

async function spawnScript(script: string, env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within 20 s`)), 20_000)
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before listening`)))
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string }
      if (entry.msg === 'listening' && entry.url) {
        clearTimeout(timer)
        resolve(entry.url)
      }
    })
  })
  return { url, pid: child.pid ?? 0, stop: () => stopChild(child) }
}

/** Parley's own entry point; under --cpu-prof each node writes a .cpuprofile into PROFILE_DIR when it exits. */
async function startParley(env: Record<string, string>, cpuProf: boolean): Promise<Started> {
  const node = await spawnParleyNode({ ...env, ...RAISED }, cpuProf ? PROFILE_FLAGS : [])
  return { url: node.url, pid: node.child.pid ?? 0, stop: () => stopChild(node.child, 30_000) }
}

/** Starts `nodes` processes one after another (Parley's second node finds the schema migrated). */
async function startNodes(nodes: number, start: () => Promise<Started>): Promise<Started[]> {
  const started: Started[] = []
  try {
    for (let i = 0; i < nodes; i++) started.push(await start())
  } catch (err) {
    await Promise.all(started.map((s) => s.stop()))
    throw err
  }
  return started
}

const running = (kind: Kind, started: Started[], after = async () => {}): RunningTarget => ({
  kind,
  urls: started.map((s) => s.url),
  pids: started.map((s) => s.pid),
  stop: async () => {
    await Promise.all(started.map((s) => s.stop()))
    await after()
  },
})

export async function startTarget(target: TargetName, opts: BenchOptions, nodes = 1): Promise<RunningTarget> {
  const prefix = `bench${process.pid}${Date.now().toString(36)}:`
  const relay = { REDIS_URL: opts.redisUrl, CHANNEL_PREFIX: prefix }
  if (target === 'floor')
    return running('floor', await startNodes(nodes, () => spawnScript('bench/floor.ts', relay)))
  if (target === 'socketio')
    return running('socketio', await startNodes(nodes, () => spawnScript('bench/peer-socketio.ts', relay)))
  const backend =
    target === 'parley-pg'
      ? { name: 'postgres+redis', databaseUrl: opts.databaseUrl, redisUrl: opts.redisUrl }
      : { name: 'pglite+memory' }
  const { env, cleanup } = await isolatedEnv(backend)
  const started = await startNodes(nodes, () => startParley(env, opts.cpuProf)).catch(async (err: Error) => {
    await cleanup()
    throw err
  })
  return running('parley', started, cleanup)
}
