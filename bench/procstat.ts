/** CPU seconds and resident memory of a process, read from /proc (Linux only). */
import { readFileSync } from 'node:fs'

/** Clock ticks per second for /proc/<pid>/stat (USER_HZ is 100 on every Linux build we run on). */
const TICKS = 100

export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // After "pid (comm) ", field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12.
    return (Number(fields[11]) + Number(fields[12])) / TICKS
  } catch {
    return Number.NaN
  }
}

export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : Number.NaN
  } catch {
    return Number.NaN
  }
}

/** Samples the RSS of `pids` every 200 ms; `stop()` gives the peak of their sum. */
export function watchRss(pids: number[]): { stop: () => number } {
  let peak = 0
  const sample = () => {
    peak = Math.max(
      peak,
      pids.reduce((sum, pid) => sum + (rssMb(pid) || 0), 0),
    )
  }
  sample()
  const timer = setInterval(sample, 200)
  return {
    stop() {
      clearInterval(timer)
      sample()
      return peak
    },
  }
}

export const totalCpu = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0)

export const totalRss = (pids: number[]) => pids.reduce((sum, pid) => sum + rssMb(pid), 0)

/** The soft limit on open files of this process (children inherit it), from /proc/self/limits. */
export function openFilesLimit(): number {
  try {
    const m = /Max open files\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'))
    return m?.[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(m?.[1] ?? Number.NaN)
  } catch {
    return Number.NaN
  }
}
