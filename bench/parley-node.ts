/**
 * One Parley process for the bench, as tests/support/process.ts starts it but with node flags of our own:
 * `--cpu-prof` cannot go through NODE_OPTIONS (Node refuses it there), so it goes on the command line.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { PROFILE_DIR } from './options.ts'

export interface ParleyNode {
  child: ChildProcess
  url: string
}

export const PROFILE_FLAGS = ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`]

export function spawnParleyNode(env: Record<string, string>, nodeFlags: string[] = []): Promise<ParleyNode> {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', 'src/main.ts'], {
    // Info level for the "parley listening" line; Parley logs no line per message or socket at info.
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('parley did not start within 30 s')), 30_000)
    child.once('exit', (code) => reject(new Error(`parley exited with ${code} before listening`)))
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (!line.includes('"parley listening"')) return
      clearTimeout(timer)
      resolve({ child, url: String((JSON.parse(line) as { url: string }).url) })
    })
  })
}
