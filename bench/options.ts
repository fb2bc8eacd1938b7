/** Flags of `npm run bench`: which scenarios, against which targets, and any load-shape overrides. */
export const ALL_TARGETS = ['floor', 'socketio', 'parley-pg', 'parley-embedded'] as const
export type TargetName = (typeof ALL_TARGETS)[number]

/** What `--scenario all` runs (about 10 minutes). */
export const ALL_SCENARIOS = ['busy', 'ceiling', 'idle', 'nodes'] as const
/** Every scenario: history seeds a million messages and runs on parley-pg only, so `all` leaves it out. */
export const SCENARIO_NAMES = [...ALL_SCENARIOS, 'history'] as const
export type ScenarioName = (typeof SCENARIO_NAMES)[number]

export interface LoadShape {
  /** Sockets in all, spread round-robin over the rooms. */
  clients: number
  rooms: number
  /** Senders per room (the first sockets of each room); 0 for a silent crowd. */
  senders: number
  /** Messages per second per sender. */
  rate: number
  /** How long the senders send; 0 sends nothing. */
  seconds: number
  /** How long after the last send a delivery still counts (ms). */
  graceMs: number
  /** Pause between "every socket open" and the clock starting, for joins to settle and memory to be read. */
  settleMs: number
  /** Seconds of unmeasured sending at `rate` before the clock starts, so a cold server is measured warm. */
  warmupS: number
}

export interface BenchOptions {
  scenarios: ScenarioName[]
  targets: TargetName[]
  /** Shape flags given on the command line; they win over every scenario's own numbers. */
  overrides: Partial<LoadShape>
  /** Run Parley under `node --cpu-prof`, profiles written to PROFILE_DIR. */
  cpuProf: boolean
  databaseUrl: string
  redisUrl: string
}

export const PROFILE_DIR = '/tmp/parley-cpuprof'

const USAGE = `npm run bench -- [--scenario busy|ceiling|idle|nodes|history|all] [--targets floor,socketio,parley-pg,parley-embedded]
  [--clients N] [--rooms N] [--senders N] [--rate N] [--seconds N] [--grace-ms N] [--settle-ms N]
  [--warmup S] [--cpu-prof]
--scenario takes a comma-separated list too (default busy, about a minute; all = all but history). Shape flags override the
scenario's numbers (for ceiling, --rate is the first step). --cpu-prof writes Parley's profiles to ${PROFILE_DIR}.
Postgres and Redis come from BENCH_DATABASE_URL / BENCH_REDIS_URL
(default postgres://postgres@127.0.0.1:5432/test and redis://127.0.0.1:6379).`

const SHAPE_FLAGS: Record<string, keyof LoadShape> = {
  '--clients': 'clients',
  '--rooms': 'rooms',
  '--senders': 'senders',
  '--rate': 'rate',
  '--seconds': 'seconds',
  '--grace-ms': 'graceMs',
  '--settle-ms': 'settleMs',
  '--warmup': 'warmupS',
}

function positive(flag: string, raw: string | undefined): number {
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${flag} wants a whole number ≥ 1, got "${raw}"\n${USAGE}`)
  return n
}

export function parseOptions(argv: string[]): BenchOptions {
  const opts: BenchOptions = {
    scenarios: ['busy'],
    targets: [...ALL_TARGETS],
    overrides: {},
    cpuProf: false,
    databaseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string
    const shapeKey = SHAPE_FLAGS[flag]
    if (flag === '--help' || flag === '-h') {
      console.log(USAGE)
      process.exit(0)
    } else if (flag === '--cpu-prof') opts.cpuProf = true
    else if (shapeKey) opts.overrides[shapeKey] = positive(flag, argv[++i])
    else if (flag === '--targets') opts.targets = pick(argv[++i], ALL_TARGETS, 'target')
    else if (flag === '--scenario') {
      const raw = argv[++i]
      opts.scenarios = raw === 'all' ? [...ALL_SCENARIOS] : pick(raw, SCENARIO_NAMES, 'scenario')
    } else throw new Error(`unknown flag "${flag}"\n${USAGE}`)
  }
  return opts
}

/** A scenario's shape with the command line's overrides laid over it, checked for sense. */
export function shapeFor(defaults: LoadShape, overrides: Partial<LoadShape>): LoadShape {
  const shape = { ...defaults, ...overrides }
  if (shape.clients < shape.rooms * shape.senders)
    throw new Error(
      `--clients (${shape.clients}) must be at least --rooms × --senders (${shape.rooms * shape.senders})`,
    )
  return shape
}

function pick<T extends string>(raw: string | undefined, allowed: readonly T[], what: string): T[] {
  const names = (raw ?? '').split(',').map((s) => s.trim())
  for (const n of names)
    if (!(allowed as readonly string[]).includes(n))
      throw new Error(`unknown ${what} "${n}": pick from ${allowed.join(',')}`)
  return names as T[]
}
