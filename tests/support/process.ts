import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

export interface NodeProcess {
  child: ChildProcess
  url: string
  exited: Promise<number | null>
  logs: Array<Record<string, unknown>>
}

/** Runs `npm start`'s entry point as a real process and resolves once it listens (PORT=0 picks a free port). */
export async function spawnParley(env: Record<string, string>): Promise<NodeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const logs: Array<Record<string, unknown>> = []
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('parley did not start within 30 s')), 30_000)
    exited.then((code) => reject(new Error(`parley exited with ${code} before listening`)))
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>
        logs.push(entry)
        if (entry.msg === 'parley listening') {
          clearTimeout(timer)
          resolve(String(entry.url))
        }
      } catch {
        logs.push({ raw: line })
      }
    })
  })
  return { child, url, exited, logs }
}
