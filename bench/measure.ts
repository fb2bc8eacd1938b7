/** One load run against one running target: bench/load.ts as a child, the server's CPU and memory from /proc. */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { LoadShape } from './options.ts'
import { totalCpu, totalRss, watchRss } from './procstat.ts'
import type { RunningTarget } from './servers.ts'
import type { LoadResult } from './tally.ts'

export interface Measured extends LoadResult {
  /** Server CPU seconds (all nodes) from "ready" to "result". */
  serverCpuS: number
  /** Peak of the nodes' summed RSS from "ready" to "result". */
  peakRssMb: number
  /** Summed RSS once accounts and rooms exist, before the first socket; and once every socket is open. */
  rssBeforeMb: number
  rssOpenMb: number
  /** Seconds to open every socket. */
  connectS: number
  loadCpuS: number
  /** CLOCK_MONOTONIC µs (the clock of V8's profiles) at "ready" and "result": the measured window. */
  window: { fromUs: number; toUs: number }
}

type Line = { phase: string; connectS?: number } & LoadResult & { loadCpuS: number }

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n)

export function runLoad(
  server: RunningTarget,
  shape: LoadShape,
  log: (text: string) => void,
): Promise<Measured> {
  const job = JSON.stringify({ kind: server.kind, urls: server.urls, shape })
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/load.ts', job], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    let [cpu0, rssBeforeMb, rssOpenMb, fromUs] = [0, Number.NaN, Number.NaN, 0]
    let rss: { stop: () => number } | undefined
    const limit = (shape.seconds * 1000 + shape.graceMs + shape.settleMs) * 2 + shape.clients * 30 + 180_000
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`load did not finish within ${Math.round(limit / 1000)} s`))
    }, limit)
    child.once('exit', (code) => {
      clearTimeout(timer)
      if (code !== 0) reject(new Error(`load exited with ${code}`))
    })
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const msg = JSON.parse(line) as Line
      if (msg.phase === 'cast') {
        rssBeforeMb = totalRss(server.pids)
        log(`accounts and rooms ready, opening ${shape.clients} sockets`)
      } else if (msg.phase === 'ready') {
        rssOpenMb = totalRss(server.pids)
        cpu0 = totalCpu(server.pids)
        rss = watchRss(server.pids)
        fromUs = monotonicUs()
        log(
          `sockets open in ${msg.connectS?.toFixed(1)} s` +
            (shape.seconds ? `, sending for ${shape.seconds} s` : ''),
        )
      } else if (msg.phase === 'result') {
        const { phase: _, ...result } = msg
        resolve({
          ...result,
          connectS: msg.connectS ?? Number.NaN,
          serverCpuS: totalCpu(server.pids) - cpu0,
          peakRssMb: rss?.stop() ?? Number.NaN,
          rssBeforeMb,
          rssOpenMb,
          window: { fromUs, toUs: monotonicUs() },
        })
      }
    })
  })
}
