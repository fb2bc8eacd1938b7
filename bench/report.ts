/** Markdown pieces every scenario's section is made of: the per-target table, Parley's ratios, what was skipped. */
import type { Panel } from './chart.ts'
import type { Measured } from './measure.ts'
import type { LoadShape, ScenarioName, TargetName } from './options.ts'

export interface TargetRow extends Measured {
  target: TargetName
}

export interface Skipped {
  target: TargetName
  why: string
}

/** One scenario's result: its markdown (headline table and ratios first) and its chart panel. */
export interface Section {
  scenario: ScenarioName
  markdown: string
  panel: Panel
}

export const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–')

/** A markdown table, the first column left-aligned and the rest (numbers) right-aligned. */
export function table(headers: string[], rows: Array<Array<string | number>>): string[] {
  return [
    `| ${headers.join(' | ')} |`,
    `|---|${headers
      .slice(1)
      .map(() => '--:')
      .join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ]
}

export function shapeLine(shape: LoadShape, nodes = 1): string {
  const where = nodes > 1 ? ` over ${nodes} server nodes (one Redis, one Postgres)` : ''
  return (
    `${shape.clients} clients in ${shape.rooms} rooms${where}, ${shape.senders} sender(s) per room at ` +
    `${shape.rate} msg/s for ${shape.seconds} s (${shape.clients * shape.senders * shape.rate} deliveries/s ` +
    `offered), ${shape.graceMs} ms grace. Latency is send → delivery, in ms.`
  )
}

/** The classic per-run table: what was delivered, how fast, what went missing, what the server spent. */
export function loadTable(rows: TargetRow[]): string[] {
  return table(
    // biome-ignore format: one header row reads better on one line
    ['target', 'sent', 'deliveries/s', 'p50', 'p90', 'p99', 'max', 'lost', 'dup', 'leaks', 'server CPU s', 'peak RSS MB', 'load CPU s'],
    rows.map((r) => [
      r.target,
      r.sent,
      f(r.deliveriesPerS),
      f(r.p50, 2),
      f(r.p90, 2),
      f(r.p99, 2),
      f(r.max, 2),
      r.lost,
      r.duplicated,
      r.leaks,
      f(r.serverCpuS, 2),
      f(r.peakRssMb, 0),
      f(r.loadCpuS, 2),
    ]),
  )
}

export interface Metric<R> {
  label: string
  value: (row: R) => number
}

/** Each Parley target's figures divided by the floor's and by Socket.IO's: the headline of every scenario. */
export function ratioTable<R extends { target: TargetName }>(rows: R[], metrics: Array<Metric<R>>): string[] {
  const lines: Array<Array<string | number>> = []
  for (const p of rows.filter((r) => r.target.startsWith('parley')))
    for (const ref of ['floor', 'socketio'] as const) {
      const b = rows.find((r) => r.target === ref)
      if (b) lines.push([`${p.target} ÷ ${ref}`, ...metrics.map((m) => f(m.value(p) / m.value(b), 2))])
    }
  return lines.length ? [...table(['ratio', ...metrics.map((m) => m.label)], lines), ''] : []
}

export const LOAD_RATIOS: Array<Metric<TargetRow>> = [
  { label: 'deliveries/s', value: (r) => r.deliveriesPerS },
  { label: 'p99', value: (r) => r.p99 },
  { label: 'server CPU', value: (r) => r.serverCpuS },
]

/** "3 sockets closed before the end: close 1008 ×3", or '' when none were. */
export function goneText(m: Measured): string {
  const entries = Object.entries(m.gone ?? {})
  const n = entries.reduce((sum, [, count]) => sum + count, 0)
  if (!n) return ''
  return `${n} socket(s) closed before the end: ${entries.map(([why, count]) => `${why} ×${count}`).join(', ')}`
}

export const goneLines = (rows: TargetRow[]) =>
  rows.filter((r) => goneText(r)).map((r) => `- **${r.target}**: ${goneText(r)}`)

export const skippedLines = (skipped: Skipped[]) => skipped.map((s) => `- skipped **${s.target}**: ${s.why}`)

/** The p99 and deliveries/s panel of a load scenario. */
export function loadPanel(title: string, rows: TargetRow[]): Panel {
  return {
    title,
    groups: [
      { label: 'p99 latency (ms)', bars: rows.map((r) => ({ name: r.target, value: r.p99 })) },
      { label: 'deliveries/s', bars: rows.map((r) => ({ name: r.target, value: r.deliveriesPerS })) },
    ],
  }
}
