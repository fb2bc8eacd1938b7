/** The markdown table, the Parley ratios, and a small hand-written SVG chart. */
import type { BenchOptions, TargetName } from './options.ts'
import type { LoadResult } from './tally.ts'

export interface TargetRow extends LoadResult {
  target: TargetName
  serverCpuS: number
  peakRssMb: number
  loadCpuS: number
}

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–')

export function renderReport(
  opts: BenchOptions,
  rows: TargetRow[],
  skipped: Array<{ target: TargetName; why: string }>,
): string {
  const lines = [
    `# Parley bench (${new Date().toISOString()})`,
    '',
    `${opts.clients} clients in ${opts.rooms} rooms, ${opts.senders} sender(s) per room at ${opts.rate} msg/s ` +
      `for ${opts.seconds} s, ${opts.graceMs} ms grace. Latency is send → delivery, in ms.`,
    '',
    '| target | sent | deliveries/s | p50 | p90 | p99 | max | lost | dup | leaks | server CPU s | peak RSS MB | load CPU s |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...rows.map(
      (r) =>
        `| ${r.target} | ${r.sent} | ${f(r.deliveriesPerS)} | ${f(r.p50, 2)} | ${f(r.p90, 2)} | ${f(r.p99, 2)} | ` +
        `${f(r.max, 2)} | ${r.lost} | ${r.duplicated} | ${r.leaks} | ${f(r.serverCpuS, 2)} | ${f(r.peakRssMb, 0)} | ` +
        `${f(r.loadCpuS, 2)} |`,
    ),
    '',
  ]
  const base = (name: TargetName) => rows.find((r) => r.target === name)
  const ratios: string[] = []
  for (const p of rows.filter((r) => r.target.startsWith('parley')))
    for (const ref of ['floor', 'socketio'] as const) {
      const b = base(ref)
      if (b)
        ratios.push(
          `| ${p.target} ÷ ${ref} | ${f(p.deliveriesPerS / b.deliveriesPerS, 2)} | ${f(p.p99 / b.p99, 2)} | ` +
            `${f(p.serverCpuS / b.serverCpuS, 2)} |`,
        )
    }
  if (ratios.length)
    lines.push('| ratio | deliveries/s | p99 | server CPU |', '|---|--:|--:|--:|', ...ratios, '')
  for (const s of skipped) lines.push(`- skipped **${s.target}**: ${s.why}`)
  return lines.join('\n')
}

/** Two bar groups (p99 ms, deliveries/s), one bar per target, each scaled to its own maximum. */
export function renderChart(rows: TargetRow[]): string {
  const colors = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2']
  const metrics = [
    { label: 'p99 latency (ms)', value: (r: TargetRow) => r.p99 },
    { label: 'deliveries/s', value: (r: TargetRow) => r.deliveriesPerS },
  ]
  const [w, h, barW, gap] = [640, 260, 40, 8]
  const parts: string[] = []
  metrics.forEach((m, g) => {
    const x0 = 40 + g * (w / 2)
    const max = Math.max(...rows.map((r) => m.value(r)).filter(Number.isFinite), 1)
    parts.push(`<text x="${x0}" y="20" font-size="13">${m.label}</text>`)
    rows.forEach((r, i) => {
      const v = m.value(r)
      const bh = Number.isFinite(v) ? (v / max) * (h - 80) : 0
      const x = x0 + i * (barW + gap)
      parts.push(
        `<rect x="${x}" y="${h - 40 - bh}" width="${barW}" height="${bh}" fill="${colors[i % 4]}"/>`,
        `<text x="${x + barW / 2}" y="${h - 44 - bh}" font-size="10" text-anchor="middle">${f(v, 1)}</text>`,
      )
    })
  })
  rows.forEach((r, i) => {
    parts.push(
      `<rect x="${40 + i * 150}" y="${h - 22}" width="10" height="10" fill="${colors[i % 4]}"/>`,
      `<text x="${54 + i * 150}" y="${h - 13}" font-size="11">${r.target}</text>`,
    )
  })
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif">\n${parts.join('\n')}\n</svg>\n`
}
