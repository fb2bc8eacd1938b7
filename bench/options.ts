/** Flags of `npm run bench`: the same load against every target. */
export const ALL_TARGETS = ['floor', 'socketio', 'parley-pg', 'parley-embedded'] as const
export type TargetName = (typeof ALL_TARGETS)[number]

export interface LoadShape {
  /** Sockets in all, spread round-robin over the rooms. */
  clients: number
  rooms: number
  /** Senders per room (the first sockets of each room). */
  senders: number
  /** Messages per second per sender. */
  rate: number
  seconds: number
  /** How long after the last send a delivery still counts (ms). */
  graceMs: number
}

export interface BenchOptions extends LoadShape {
  targets: TargetName[]
  databaseUrl: string
  redisUrl: string
}

const USAGE = `npm run bench -- [--clients 200] [--rooms 10] [--senders 1] [--rate 10] [--seconds 10]
  [--grace-ms 3000] [--targets floor,socketio,parley-pg,parley-embedded]
Postgres and Redis come from BENCH_DATABASE_URL / BENCH_REDIS_URL
(default postgres://postgres@127.0.0.1:5432/test and redis://127.0.0.1:6379).`

function positive(name: string, raw: string | undefined): number {
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name} wants a whole number ≥ 1, got "${raw}"\n${USAGE}`)
  return n
}

export function parseOptions(argv: string[]): BenchOptions {
  const opts: BenchOptions = {
    clients: 200,
    rooms: 10,
    senders: 1,
    rate: 10,
    seconds: 10,
    graceMs: 3000,
    targets: [...ALL_TARGETS],
    databaseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  }
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]]
    if (flag === '--help' || flag === '-h') {
      console.log(USAGE)
      process.exit(0)
    }
    if (flag === '--clients') opts.clients = positive('clients', value)
    else if (flag === '--rooms') opts.rooms = positive('rooms', value)
    else if (flag === '--senders') opts.senders = positive('senders', value)
    else if (flag === '--rate') opts.rate = positive('rate', value)
    else if (flag === '--seconds') opts.seconds = positive('seconds', value)
    else if (flag === '--grace-ms') opts.graceMs = positive('grace-ms', value)
    else if (flag === '--targets') opts.targets = targetList(value ?? '')
    else throw new Error(`unknown flag "${flag}"\n${USAGE}`)
  }
  if (opts.clients < opts.rooms * opts.senders)
    throw new Error(
      `--clients (${opts.clients}) must be at least --rooms × --senders (${opts.rooms * opts.senders})`,
    )
  return opts
}

function targetList(raw: string): TargetName[] {
  const names = raw.split(',').map((s) => s.trim())
  for (const n of names)
    if (!(ALL_TARGETS as readonly string[]).includes(n))
      throw new Error(`unknown target "${n}": pick from ${ALL_TARGETS.join(',')}`)
  return names as TargetName[]
}
