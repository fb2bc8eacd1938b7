import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { isolatedEnv } from './app.ts'
import type { Backend } from './backends.ts'
import { HttpUser } from './http.ts'
import { type NodeProcess, spawnParley } from './process.ts'
import { pushedBodies, pushedSeqs, type TestSocket } from './socket.ts'

/** N Parley processes sharing one database and one bus, as behind a load balancer. */
export async function startNodes(env: Record<string, string>, n: number): Promise<NodeProcess[]> {
  const nodes: NodeProcess[] = []
  for (let i = 0; i < n; i++) nodes.push(await spawnParley(env))
  return nodes
}

export async function stopNodes(nodes: NodeProcess[]): Promise<void> {
  for (const node of nodes) if (node.child.exitCode === null) node.child.kill('SIGKILL')
  await Promise.all(nodes.map((n) => n.exited))
}

/** Sends a message over a socket exactly as htmx's composer would, with a fresh idempotency key. */
export function send(socket: TestSocket, user: HttpUser, body: string): void {
  socket.sendMessage({ body, client_id: randomUUID(), _csrf: user.csrf })
}

/** Waits until a socket holds `n` distinct messages, then checks it has seqs 1..n, each exactly once, in order. */
export async function expectExactly(
  socket: TestSocket,
  n: number,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  await socket.waitFor(() => new Set(pushedSeqs(socket)).size >= n, `${what}: ${n} messages`, timeoutMs)
  const seqs = pushedSeqs(socket)
  assert.deepEqual(
    seqs,
    Array.from({ length: n }, (_, i) => i + 1),
    `${what}: seqs 1..${n}, once each, in order`,
  )
}

/** Loss and duplication, counted from what a socket was pushed against what was sent. */
export function tally(
  socket: TestSocket,
  sent: string[],
): { received: number; lost: number; duplicated: number } {
  const seqs = pushedSeqs(socket)
  const bodies = [...pushedBodies(socket).values()]
  return {
    received: seqs.length,
    lost: sent.filter((b) => !bodies.includes(b)).length,
    duplicated: seqs.length - new Set(seqs).size,
  }
}

export { HttpUser }

/**
 * What a multi-process test owns: its nodes, sockets and isolated environments, all torn down by `teardown`
 * (sockets first, then processes, then the schemas and anything else registered, newest first).
 */
export function clusterFixture(backend: Backend) {
  const nodes: NodeProcess[] = []
  const sockets: TestSocket[] = []
  const cleanups: Array<() => Promise<void>> = []
  return {
    nodes,
    sockets,
    cleanups,
    /** A database schema and bus prefix of its own. */
    async freshEnv(): Promise<Record<string, string>> {
      const { env, cleanup } = await isolatedEnv(backend)
      cleanups.push(cleanup)
      return env
    },
    async teardown(): Promise<void> {
      for (const s of sockets) s.ws.terminate()
      await stopNodes(nodes)
      for (const cleanup of cleanups.reverse()) await cleanup()
    },
  }
}
