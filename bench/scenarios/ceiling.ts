/**
 * ceiling: the busy shape, the rate per sender raised step by step, a fresh server every step (so one
 * overloaded step leaves nothing behind for the next), until p99 passes 250 ms or a message is lost.
 * The ceiling is the last step that passed; its resolution is one step of the ladder.
 */
import { eachTarget, type Log, measureOnce } from '../attempt.ts'
import type { Measured } from '../measure.ts'
import type { BenchOptions, LoadShape, TargetName } from '../options.ts'
import { shapeFor } from '../options.ts'
import { f, goneText, ratioTable, type Section, skippedLines, table } from '../report.ts'
import { BUSY } from './busy.ts'

/** Messages per second per sender; × clients = deliveries/s offered (1,000 clients: 10k … 400k). */
const LADDER = [10, 15, 20, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300, 400]
const P99_LIMIT_MS = 250

interface Step {
  rate: number
  m?: Measured
  /** Why the step failed; undefined when it passed. */
  fault?: string
}

interface CeilingRow {
  target: TargetName
  steps: Step[]
  best?: Step
}

const offered = (shape: LoadShape, rate: number) => shape.clients * shape.senders * rate

function fault(m: Measured): string | undefined {
  if (m.lost > 0) return `${m.lost} lost${goneText(m) ? ` (${goneText(m)})` : ''}`
  if (!(m.p99 <= P99_LIMIT_MS)) return `p99 ${f(m.p99, 0)} ms`
  return undefined
}

async function tryStep(target: TargetName, opts: BenchOptions, shape: LoadShape, log: Log): Promise<Step> {
  const step: Step = { rate: shape.rate }
  try {
    step.m = await measureOnce(target, opts, shape, 1, log)
    step.fault = fault(step.m)
  } catch (err) {
    step.fault = (err as Error).message
  }
  log(`${target} at ${shape.rate} msg/s per sender: ${step.fault ?? 'passed'}`)
  return step
}

/** Up the ladder; a failed step gets one more try, since a neighbour's burst on 2 cores can sink one. */
async function climb(
  target: TargetName,
  opts: BenchOptions,
  shape: LoadShape,
  log: Log,
): Promise<CeilingRow> {
  const row: CeilingRow = { target, steps: [] }
  for (const rate of LADDER.filter((r) => r >= shape.rate)) {
    const first = await tryStep(target, opts, { ...shape, rate }, log)
    row.steps.push(first)
    const step = first.fault ? await tryStep(target, opts, { ...shape, rate }, log) : first
    if (step !== first) row.steps.push(step)
    if (step.fault) break
    row.best = step
  }
  return row
}

function summaryRow(shape: LoadShape, r: CeilingRow): Array<string | number> {
  const last = r.steps.at(-1)
  const stop = last?.fault ? `${last.rate} msg/s: ${last.fault}` : `none up to ${last?.rate} msg/s`
  const b = r.best
  if (!b?.m) return [r.target, '–', '–', '–', '–', '–', stop]
  const cpu = b.m.serverCpuS / (shape.seconds + shape.graceMs / 1000)
  return [r.target, b.rate, offered(shape, b.rate), f(b.m.deliveriesPerS, 0), f(b.m.p99, 1), f(cpu, 2), stop]
}

function stepRows(shape: LoadShape, rows: CeilingRow[]): Array<Array<string | number>> {
  return rows.flatMap((r) =>
    r.steps.map((s) => {
      const m = s.m
      const figures = m
        ? [f(m.deliveriesPerS, 0), f(m.p99, 1), m.lost, f(m.serverCpuS, 2), f(m.loadCpuS, 2)]
        : ['–', '–', '–', '–', '–']
      return [r.target, s.rate, offered(shape, s.rate), ...figures, s.fault ?? 'ok']
    }),
  )
}

export async function ceiling(opts: BenchOptions, log: Log): Promise<Section> {
  const shape = shapeFor({ ...BUSY, seconds: 4, graceMs: 1500, rate: LADDER[0] as number }, opts.overrides)
  log(`ceiling: ${shape.clients} clients, ${shape.rooms} rooms, rate from ${shape.rate} msg/s per sender`)
  const { rows, skipped } = await eachTarget(opts, shape, 1, log, (target) => climb(target, opts, shape, log))
  const sustained = (r: CeilingRow) => r.best?.m?.deliveriesPerS ?? Number.NaN
  const title = 'ceiling: highest sustained rate'
  const markdown = [
    `## ${title}`,
    '',
    `${shape.clients} clients in ${shape.rooms} rooms, ${shape.senders} sender(s) per room; each step sends for ` +
      `${shape.seconds} s on a fresh server, rates ${LADDER.join(', ')} msg/s per sender. A step passes with ` +
      `p99 ≤ ${P99_LIMIT_MS} ms and nothing lost (${shape.graceMs} ms grace); a failed step is tried once more.`,
    '',
    ...table(
      [
        'target',
        'msg/s per sender',
        'offered deliveries/s',
        'deliveries/s',
        'p99',
        'server CPU cores',
        'stopped at',
      ],
      rows.map((r) => summaryRow(shape, r)),
    ),
    '',
    ...ratioTable(rows, [{ label: 'sustained deliveries/s', value: sustained }]),
    ...skippedLines(skipped),
    '',
    '### Every step',
    '',
    ...table(
      [
        'target',
        'msg/s per sender',
        'offered',
        'deliveries/s',
        'p99',
        'lost',
        'server CPU s',
        'load CPU s',
        'verdict',
      ],
      stepRows(shape, rows),
    ),
  ]
  const panel = {
    title,
    groups: [
      { label: 'sustained deliveries/s', bars: rows.map((r) => ({ name: r.target, value: sustained(r) })) },
      {
        label: 'p99 there (ms)',
        bars: rows.map((r) => ({ name: r.target, value: r.best?.m?.p99 ?? Number.NaN })),
      },
    ],
  }
  return { scenario: 'ceiling', markdown: markdown.join('\n'), panel }
}
