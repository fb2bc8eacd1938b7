/**
 * idle: 10,000 silent sockets. What each costs the server in memory: (RSS with every socket open, after
 * `settleMs`) − (RSS once accounts and rooms exist, before the first socket), ÷ the number of sockets.
 * Nothing is sent; Parley's sockets do send their resume frame, as htmx would.
 */
import { eachTarget, type Log, measureOnce } from '../attempt.ts'
import type { Measured } from '../measure.ts'
import type { BenchOptions, TargetName } from '../options.ts'
import { shapeFor } from '../options.ts'
import { f, goneLines, ratioTable, type Section, skippedLines, table } from '../report.ts'
import { BUSY } from './busy.ts'

interface IdleRow extends Measured {
  target: TargetName
  clients: number
}

const kbPerSocket = (r: IdleRow) => ((r.rssOpenMb - r.rssBeforeMb) * 1024) / r.clients

export async function idle(opts: BenchOptions, log: Log): Promise<Section> {
  const shape = shapeFor(
    { ...BUSY, clients: 10_000, senders: 0, seconds: 0, graceMs: 0, settleMs: 3000, warmupS: 0 },
    opts.overrides,
  )
  log(`idle: ${shape.clients} silent sockets in ${shape.rooms} rooms`)
  const { rows, skipped } = await eachTarget(opts, shape, 1, log, async (target) => {
    const row: IdleRow = {
      target,
      clients: shape.clients,
      ...(await measureOnce(target, opts, shape, 1, log)),
    }
    return row
  })
  const title = 'idle: memory per connected socket'
  const markdown = [
    `## ${title}`,
    '',
    `${shape.clients} sockets in ${shape.rooms} rooms, none sending, read ${shape.settleMs} ms after the last ` +
      'one opened. KB/socket = (server RSS then − RSS before the first socket) ÷ sockets. The load generator ' +
      'connects 25 at a time from 16 loopback source addresses.',
    '',
    ...table(
      ['target', 'sockets', 'RSS before MB', 'RSS open MB', 'KB/socket', 'connect s', 'sockets/s'],
      rows.map((r) => [
        r.target,
        r.clients,
        f(r.rssBeforeMb, 0),
        f(r.rssOpenMb, 0),
        f(kbPerSocket(r), 1),
        f(r.connectS, 1),
        f(r.clients / r.connectS, 0),
      ]),
    ),
    '',
    ...ratioTable(rows, [{ label: 'KB/socket', value: kbPerSocket }]),
    ...goneLines(rows),
    ...skippedLines(skipped),
  ]
  const panel = {
    title,
    groups: [
      { label: 'KB per socket', bars: rows.map((r) => ({ name: r.target, value: kbPerSocket(r) })) },
      {
        label: 'sockets opened per s',
        bars: rows.map((r) => ({ name: r.target, value: r.clients / r.connectS })),
      },
    ],
  }
  return { scenario: 'idle', markdown: markdown.join('\n'), panel }
}
