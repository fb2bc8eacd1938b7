/** Starts each target's server process(es) and says why a target cannot run. */
import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { isolatedEnv } from '../tests/support/app.ts'
import { assertReachable } from '../tests/support/backends.ts'
import { spawnParley } from '../tests/support/process.ts'
import type { Kind } from './clients.ts'
import type { BenchOptions, TargetName } from './options.ts'

export interface RunningTarget {
  kind: Kind
  url: string
  pids: number[]
  stop: () => Promise<void>
}

/** Parley's limits raised as far as its config allows (MESSAGE_BURST ≤ 10 000, MESSAGES_PER_10S ≤ 100 000). */
const RAISED = { MESSAGE_BURST: '10000', MESSAGES_PER_10S: '100000', SOCKETS_PER_IP: '100000' }

/** Why `target` cannot run here, or undefined when it can. */
export async function whyNot(target: TargetName, opts: BenchOptions): Promise<string | undefined> {
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

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve()
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const force = setTimeout(() => child.kill('SIGKILL'), 5000)
  return exited.finally(() => clearTimeout(force))
}

async function spawnScript(kind: Kind, script: string, env: Record<string, string>): Promise<RunningTarget> {
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
  return { kind, url, pids: [child.pid ?? 0], stop: () => stopChild(child) }
}

export async function startTarget(target: TargetName, opts: BenchOptions): Promise<RunningTarget> {
  const prefix = `bench${process.pid}${Date.now().toString(36)}:`
  if (target === 'floor')
    return spawnScript('floor', 'bench/floor.ts', { REDIS_URL: opts.redisUrl, CHANNEL_PREFIX: prefix })
  if (target === 'socketio')
    return spawnScript('socketio', 'bench/peer-socketio.ts', {
      REDIS_URL: opts.redisUrl,
      CHANNEL_PREFIX: prefix,
    })
  const backend =
    target === 'parley-pg'
      ? { name: 'postgres+redis', databaseUrl: opts.databaseUrl, redisUrl: opts.redisUrl }
      : { name: 'pglite+memory' }
  const { env, cleanup } = await isolatedEnv(backend)
  const node = await spawnParley({ ...env, ...RAISED }).catch(async (err: Error) => {
    await cleanup()
    throw err
  })
  return {
    kind: 'parley',
    url: node.url,
    pids: [node.child.pid ?? 0],
    stop: async () => {
      await stopChild(node.child)
      await cleanup()
    },
  }
}
