/**
 * `npm run bench`: room loads against the floor (ws + Redis), the peer (Socket.IO + Redis adapter) and Parley
 * (Postgres + Redis, and the embedded PGlite + memory), side by side, one scenario after another.
 * See bench/README.md.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus, loadavg } from 'node:os'
import { renderChart } from './chart.ts'
import { parseOptions } from './options.ts'
import type { Section } from './report.ts'
import { SCENARIOS } from './scenarios/index.ts'

const RESULTS = 'bench/results'
const loadAverage = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(', ')
const log = (text: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}`)

/** Each scenario's own file (kept until that scenario runs again), and latest.* holding this run's scenarios. */
async function write(sections: Section[], started: string, loadBefore: string): Promise<void> {
  await mkdir(RESULTS, { recursive: true })
  // The machine is shared: a neighbour's load shows in every latency, so say how busy it was.
  const machine = `${cpus().length} cores; load average (1, 5, 15 min) ${loadBefore} before, ${loadAverage()} after.`
  const heading = (names: string) => `# Parley bench: ${names} (${started})\n\n${machine}\n\n`
  for (const s of sections) {
    await writeFile(
      `${RESULTS}/${s.scenario}.md`,
      `${heading(s.scenario)}${s.markdown}\n\n![chart](${s.scenario}.svg)\n`,
    )
    await writeFile(`${RESULTS}/${s.scenario}.svg`, renderChart([s.panel]))
  }
  const all = sections.map((s) => s.markdown).join('\n\n')
  const names = sections.map((s) => s.scenario).join(', ')
  await writeFile(`${RESULTS}/latest.md`, `${heading(names)}${all}\n\n![charts](latest.svg)\n`)
  await writeFile(`${RESULTS}/latest.svg`, renderChart(sections.map((s) => s.panel)))
  log(`wrote ${RESULTS}/latest.md, latest.svg and ${sections.map((s) => `${s.scenario}.md`).join(', ')}`)
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2))
  const started = new Date().toISOString()
  const loadBefore = loadAverage()
  log(`scenarios ${opts.scenarios.join(',')}; targets ${opts.targets.join(',')}`)
  const sections: Section[] = []
  for (const name of opts.scenarios) {
    const section = await SCENARIOS[name](opts, log)
    console.log(`${section.markdown}\n`)
    sections.push(section)
  }
  await write(sections, started, loadBefore)
}

main().catch((err: Error) => {
  console.error(err.message)
  process.exit(1)
})
