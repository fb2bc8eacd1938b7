/**
 * history: what a long history costs the pages and sockets of a person who has been away. Two fresh schemas,
 * 10,000 and 1,000,000 messages over 200 rooms and 2,000 people (seeded through SQL, bench/history/seed.ts),
 * each measured alike; the ratio large ÷ small should stay near 1 when every cost is bounded by an index.
 * Parley on Postgres + Redis only; the larger world's query plans go to bench/results/history-plans.md.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import type { Log } from '../attempt.ts'
import { type HistoryRow, MISSED, measureWorld } from '../history/measure-world.ts'
import { explainAll, plansMarkdown } from '../history/plans.ts'
import type { LoadFigures } from '../history/timing.ts'
import { openWorld } from '../history/world.ts'
import type { BenchOptions } from '../options.ts'
import { f, type Section, table } from '../report.ts'
import { whyNot } from '../servers.ts'

const SIZES = [10_000, 1_000_000]
const PLANS = 'bench/results/history-plans.md'

const FIGURES: Array<{ label: string; value: (r: HistoryRow) => number; digits: number }> = [
  { label: 'room page req/s', value: (r) => r.page.perS, digits: 1 },
  { label: 'room page p99 ms', value: (r) => r.page.p99, digits: 0 },
  { label: 'sidebar median ms', value: (r) => r.sidebarMedian, digits: 1 },
  { label: 'sidebar p99 ms', value: (r) => r.sidebarP99, digits: 1 },
  { label: 'search req/s', value: (r) => r.search.perS, digits: 1 },
  { label: 'search p99 ms', value: (r) => r.search.p99, digits: 0 },
  { label: `resume −${MISSED} median ms`, value: (r) => r.resumeMedian, digits: 0 },
  { label: 'resume → sidebar median ms', value: (r) => r.resumeSidebarMedian, digits: 0 },
  { label: 'sign-in page req/s', value: (r) => r.login.perS, digits: 0 },
  { label: 'room page ÷ sign-in req/s', value: (r) => r.page.perS / r.login.perS, digits: 3 },
]

function markdown(rows: HistoryRow[], load: { concurrency: number; seconds: number }): string[] {
  const [small, large] = [rows[0], rows.at(-1)]
  const ratio =
    small && large && rows.length > 1
      ? [['large ÷ small', ...FIGURES.map((m) => f(m.value(large) / m.value(small), 2))]]
      : []
  const failed = rows.filter((r) => r.page.failed + r.search.failed + r.login.failed > 0)
  const why = (l: LoadFigures) =>
    Object.entries(l.failures)
      .map(([k, v]) => `${k} ×${v}`)
      .join(', ') || 'none'
  return [
    '## history: a long history, for a person who has been away',
    '',
    `Parley (Postgres + Redis) on 200 rooms (a tenth of the messages in the busy room-1, every 10th room private) ` +
      `and 2,000 people, seeded through SQL. Signed in as a member of every room who has read only the first ` +
      `tenth of each. Room page: GET /rooms/room-1, search: GET /search?q=deploy (in ~1 message of 5), sign-in ` +
      `page: GET /login, each ${load.concurrency} requests in flight for ${load.seconds} s after a warm-up. ` +
      `Sidebar: chat/sidebar.ts called directly, one call at a time. Resume: a room socket resuming ${MISSED} ` +
      'messages back, until the newest message is on the page (median of 5), and until its sidebar entries ' +
      '(exact unread counts, read alongside) came.',
    '',
    ...table(
      ['messages', 'seed s', ...FIGURES.map((m) => m.label)],
      [
        ...rows.map((r) => [
          r.messages.toLocaleString('en'),
          f(r.seedS, 1),
          ...FIGURES.map((m) => f(m.value(r), m.digits)),
        ]),
        ...ratio.map((line) => [line[0] as string, '', ...line.slice(1)]),
      ],
    ),
    '',
    ...rows.map((r) => `- ${r.messages.toLocaleString('en')}: ${r.sidebarCalls} sidebar calls timed`),
    ...failed.map(
      (r) =>
        `- ${r.messages.toLocaleString('en')}: requests not answered 200 within 60 s (left out of p99 and ` +
        `req/s): room page ${why(r.page)}; search ${why(r.search)}; sign-in ${why(r.login)}`,
    ),
  ]
}

export async function history(opts: BenchOptions, log: Log): Promise<Section> {
  const load = {
    concurrency: 20,
    seconds: opts.overrides.seconds ?? 5,
    warmupS: opts.overrides.warmupS ?? 1,
  }
  const why = opts.targets.includes('parley-pg')
    ? await whyNot('parley-pg', opts)
    : 'history runs on parley-pg only (add it to --targets)'
  const rows: HistoryRow[] = []
  for (const n of why ? [] : SIZES) {
    log(`history: seeding ${n.toLocaleString('en')} messages`)
    const world = await openWorld(opts, n)
    try {
      const steps = Object.entries(world.seeded.steps).map(([k, s]) => `${k} ${s.toFixed(1)} s`)
      log(`history: seeded ${n} messages in ${world.seeded.seconds.toFixed(1)} s (${steps.join(', ')})`)
      rows.push(await measureWorld(world, load, log))
      if (n === SIZES.at(-1)) {
        await mkdir('bench/results', { recursive: true })
        await writeFile(PLANS, plansMarkdown(await explainAll(world), n))
        log(`history: wrote ${PLANS}`)
      }
    } finally {
      await world.close()
    }
  }
  const lines = [...markdown(rows, load), ...(why ? [`- skipped **parley-pg**: ${why}`] : [])]
  const panel = {
    title: 'history: 10,000 vs 1,000,000 messages',
    groups: [0, 2, 5, 6]
      .map((i) => FIGURES[i] as (typeof FIGURES)[number])
      .map((m) => ({
        label: m.label,
        bars: rows.map((r) => ({ name: `${r.messages / 1000}k`, value: m.value(r) })),
      })),
  }
  return { scenario: 'history', markdown: lines.join('\n'), panel }
}
