/**
 * busy: 1,000 clients, 10 rooms, one sender per room at 20 msg/s: 20,000 deliveries/s offered, every target
 * in turn on one node. `runFixed` is shared with `nodes`, which spreads the same load over two.
 */
import { eachTarget, type Log, measureOnce } from '../attempt.ts'
import type { BenchOptions, LoadShape, ScenarioName } from '../options.ts'
import { shapeFor } from '../options.ts'
import {
  goneLines,
  LOAD_RATIOS,
  loadPanel,
  loadTable,
  ratioTable,
  type Section,
  shapeLine,
  skippedLines,
  type TargetRow,
} from '../report.ts'

export const BUSY: LoadShape = {
  clients: 1000,
  rooms: 10,
  senders: 1,
  rate: 20,
  seconds: 5,
  graceMs: 3000,
  settleMs: 500,
  warmupS: 1,
}

export async function runFixed(
  scenario: ScenarioName,
  title: string,
  nodes: number,
  opts: BenchOptions,
  log: Log,
): Promise<Section> {
  const shape = shapeFor(BUSY, opts.overrides)
  log(`${scenario}: ${shapeLine(shape, nodes)}`)
  const { rows, skipped } = await eachTarget(opts, shape, nodes, log, async (target) => {
    const row: TargetRow = { target, ...(await measureOnce(target, opts, shape, nodes, log)) }
    return row
  })
  const markdown = [
    `## ${title}`,
    '',
    shapeLine(shape, nodes),
    '',
    ...loadTable(rows),
    '',
    ...ratioTable(rows, LOAD_RATIOS),
    ...goneLines(rows),
    ...skippedLines(skipped),
  ]
  return { scenario, markdown: markdown.join('\n'), panel: loadPanel(title, rows) }
}

export const busy = (opts: BenchOptions, log: Log) =>
  runFixed('busy', 'busy: busy rooms, one node', 1, opts, log)
