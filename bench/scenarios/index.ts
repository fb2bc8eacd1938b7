/** The scenarios `--scenario` can name (`all` runs ALL_SCENARIOS of options.ts, in that order). */
import type { Log } from '../attempt.ts'
import type { BenchOptions, ScenarioName } from '../options.ts'
import type { Section } from '../report.ts'
import { busy } from './busy.ts'
import { ceiling } from './ceiling.ts'
import { history } from './history.ts'
import { idle } from './idle.ts'
import { nodes } from './nodes.ts'

export const SCENARIOS: Record<ScenarioName, (opts: BenchOptions, log: Log) => Promise<Section>> = {
  busy,
  ceiling,
  history,
  idle,
  nodes,
}
