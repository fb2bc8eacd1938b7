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

/** What the server looks like at each phase the load generator announces. */
class Readings {
  rssBeforeMb = Number.NaN
  rssOpenMb = Number.NaN
  connectS = Number.NaN
  private cpu0 = 0
  private fromUs = 0
  private rss: { stop: () => number } | undefined

  constructor(private readonly pids: number[]) {}

  cast(): void {
    this.rssBeforeMb = totalRss(this.pids)
  }

  open(connectS: number | undefined): void {
    this.rssOpenMb = totalRss(this.pids)
    this.connectS = connectS ?? Number.NaN
  }

  ready(): void {
    this.cpu0 = totalCpu(this.pids)
    this.rss = watchRss(this.pids)
    this.fromUs = monotonicUs()
  }

  result(line: Line): Measured {
    const { phase: _, ...result } = line
    return {
      ...result,
      connectS: this.connectS,
      serverCpuS: totalCpu(this.pids) - this.cpu0,
      peakRssMb: this.rss?.stop() ?? Number.NaN,
      rssBeforeMb: this.rssBeforeMb,
      rssOpenMb: this.rssOpenMb,
      window: { fromUs: this.fromUs, toUs: monotonicUs() },
    }
  }
}

export function runLoad(
  server: RunningTarget,
  shape: LoadShape,
  log: (text: string) => void,
): Promise<Measured> {
  const job = JSON.stringify({ kind: server.kind, urls: server.urls, shape })
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/load.ts', job], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const at = new Readings(server.pids)
  return new Promise((resolve, reject) => {
    const sendingMs = (shape.seconds + shape.warmupS) * 1000 + shape.graceMs + shape.settleMs
    const limit = sendingMs * 2 + shape.clients * 30 + 180_000
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
        at.cast()
        log(`accounts and rooms ready, opening ${shape.clients} sockets`)
      } else if (msg.phase === 'open') {
        at.open(msg.connectS)
        log(`sockets open in ${at.connectS.toFixed(1)} s`)
      } else if (msg.phase === 'ready') {
        at.ready()
        if (shape.seconds) log(`sending for ${shape.seconds} s (after ${shape.warmupS} s of warm-up)`)
      } else if (msg.phase === 'result') resolve(at.result(msg))
    })
  })
}
