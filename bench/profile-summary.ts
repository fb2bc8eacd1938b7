/**
 * Top self-time and total-time functions of a V8 .cpuprofile, as markdown. With the bench's windows.jsonl
 * beside it (written under --cpu-prof), only the samples of the measured window count: start-up, tsx compiling
 * TypeScript and sign-ups are not what the bench is asking about.
 *   node --import tsx bench/profile-summary.ts /tmp/parley-cpuprof [--top 20]     (every main-thread profile)
 *   node --import tsx bench/profile-summary.ts /tmp/parley-cpuprof/CPU.….cpuprofile [--top 20]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import { type CpuProfile, functionTimes, type Window } from './profile-times.ts'

const pct = (us: number, of: number) => `${((100 * us) / of).toFixed(1)} %`

/** The measured window of the process that wrote `file` (its pid is the 4th dot-separated part of the name). */
function windowOf(file: string): Window | undefined {
  const pid = Number(basename(file).split('.')[3])
  try {
    const lines = readFileSync(`${dirname(file)}/windows.jsonl`, 'utf8')
      .trim()
      .split('\n')
    const entries = lines.map((l) => JSON.parse(l) as Window & { pids: number[] })
    return entries.reverse().find((w) => w.pids.includes(pid))
  } catch {
    return undefined
  }
}

function topTable(title: string, rows: Array<[string, number]>, busyUs: number, n: number): string[] {
  return [
    `### ${title}`,
    '',
    '| function (file:function) | ms | % of busy |',
    '|---|--:|--:|',
    ...rows.slice(0, n).map(([key, us]) => `| \`${key}\` | ${(us / 1000).toFixed(0)} | ${pct(us, busyUs)} |`),
    '',
  ]
}

export function summarise(file: string, top = 20): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const window = windowOf(file)
  const t = functionTimes(profile, window, process.cwd())
  const busyUs = t.sampledUs - t.idleUs
  const byArea = [...t.areaSelf].sort((a, b) => b[1] - a[1])
  return [
    `## ${basename(file)}`,
    '',
    window
      ? `Measured window only: ${((window.toUs - window.fromUs) / 1e6).toFixed(1)} s from "ready" to "result".`
      : 'Whole process lifetime (no windows.jsonl entry for this pid).',
    `Sampled ${(t.sampledUs / 1e6).toFixed(2)} s, of which idle ${pct(t.idleUs, t.sampledUs)}; ` +
      `percentages below are of the busy ${(busyUs / 1e6).toFixed(2)} s (main thread only).`,
    '',
    ...topTable(
      'Top self time',
      [...t.self].sort((a, b) => b[1] - a[1]),
      busyUs,
      top,
    ),
    ...topTable('Top total time (self + callees, each function once per stack)', t.totalSorted, busyUs, top),
    '### Self time by area',
    '',
    '| area | % of busy |',
    '|---|--:|',
    ...byArea.slice(0, 15).map(([area, us]) => `| ${area} | ${pct(us, busyUs)} |`),
    '',
  ].join('\n')
}

/** A file, or a directory's main-thread profiles (CPU.<date>.<time>.<pid>.0.<seq>: thread 0; tsx's loader is 1). */
function profiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path]
  return readdirSync(path)
    .filter((name) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(name))
    .sort()
    .map((name) => `${path}/${name}`)
}

const [path, flag, n] = process.argv.slice(2)
if (!path) {
  console.error('usage: node --import tsx bench/profile-summary.ts <dir | file.cpuprofile> [--top N]')
  process.exit(2)
}
for (const file of profiles(path)) console.log(summarise(file, flag === '--top' ? Number(n) : 20))
