import { parseArgs } from 'node:util'

export interface SoakOptions {
  clients: number
  rooms: number
  seconds: number
}

/** `--clients 500 --minutes 5 --rooms 10`, and `--seconds N` instead of minutes for a quick run. */
export function soakOptions(argv: string[] = process.argv.slice(2)): SoakOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      clients: { type: 'string', default: '500' },
      minutes: { type: 'string', default: '5' },
      rooms: { type: 'string', default: '10' },
      seconds: { type: 'string' },
    },
  })
  const seconds =
    values.seconds === undefined
      ? positive('minutes', values.minutes) * 60
      : positive('seconds', values.seconds)
  return {
    clients: Math.round(positive('clients', values.clients)),
    rooms: Math.round(positive('rooms', values.rooms)),
    seconds: Math.round(seconds),
  }
}

function positive(name: string, raw: string): number {
  const n = Number(raw)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${raw}"`)
  return n
}
