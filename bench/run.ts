/**
 * `npm run bench`: the same room load against the floor (ws + Redis), the peer (Socket.IO + Redis adapter)
 * and Parley (Postgres + Redis, and the embedded PGlite + memory), side by side. See bench/README.md.
 */
import { spawn } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import type { LoadShape, TargetName } from './options.ts'
import { parseOptions } from './options.ts'
import { totalCpu, watchRss } from './procstat.ts'
import { renderChart, renderReport, type TargetRow } from './report.ts'
import { type RunningTarget, startTarget, whyNot } from './servers.ts'
import type { LoadResult } from './tally.ts'

const log = (text: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}`)

interface Measured extends LoadResult {
  serverCpuS: number
  peakRssMb: number
  loadCpuS: number
}

/** Runs bench/load.ts against `server`, measuring the server's CPU and RSS from "ready" to "result". */
function runLoad(target: TargetName, server: RunningTarget, shape: LoadShape): Promise<Measured> {
  const job = JSON.stringify({ kind: server.kind, url: server.url, shape })
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/load.ts', job], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    let cpu0 = 0
    let rss: { stop: () => number } | undefined
    const limit = (shape.seconds * 1000 + shape.graceMs) * 2 + 180_000
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`load did not finish within ${limit / 1000} s`))
    }, limit)
    child.once('exit', (code) => code !== 0 && reject(new Error(`load exited with ${code}`)))
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const msg = JSON.parse(line) as { phase: string } & LoadResult & { loadCpuS: number }
      if (msg.phase === 'ready') {
        cpu0 = totalCpu(server.pids)
        rss = watchRss(server.pids)
        log(`${target}: sockets open, sending for ${shape.seconds} s`)
      } else if (msg.phase === 'result') {
        clearTimeout(timer)
        const { phase: _, ...result } = msg
        resolve({ ...result, serverCpuS: totalCpu(server.pids) - cpu0, peakRssMb: rss?.stop() ?? Number.NaN })
      }
    })
  })
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2))
  const rows: TargetRow[] = []
  const skipped: Array<{ target: TargetName; why: string }> = []
  log(
    `${opts.clients} clients, ${opts.rooms} rooms, ${opts.senders} sender(s)/room at ${opts.rate} msg/s, ` +
      `${opts.seconds} s (+${opts.graceMs} ms grace); targets ${opts.targets.join(',')}`,
  )
  for (const target of opts.targets) {
    const why = await whyNot(target, opts)
    if (why) {
      log(`skipping ${target}: ${why}`)
      skipped.push({ target, why })
      continue
    }
    log(`${target}: starting`)
    const server = await startTarget(target, opts).catch((err: Error) => err)
    if (server instanceof Error) {
      log(`${target} did not start: ${server.message}`)
      skipped.push({ target, why: `did not start: ${server.message}` })
      continue
    }
    try {
      rows.push({ target, ...(await runLoad(target, server, opts)) })
    } catch (err) {
      log(`${target} failed: ${(err as Error).message}`)
      skipped.push({ target, why: `failed: ${(err as Error).message}` })
    } finally {
      await server.stop()
    }
  }
  const report = renderReport(opts, rows, skipped)
  console.log(report)
  await mkdir('bench/results', { recursive: true })
  await writeFile('bench/results/latest.md', `${report}\n![p99 and deliveries/s](latest.svg)\n`)
  await writeFile('bench/results/latest.svg', renderChart(rows))
  log('wrote bench/results/latest.md and latest.svg')
}

main().catch((err: Error) => {
  console.error(err.message)
  process.exit(1)
})
