/**
 * nodes: the busy load over two server processes on one Redis (Parley: and one Postgres schema). Every room
 * has sockets on both nodes and the senders alternate between them, so half of each room's sockets hear
 * its sender through Redis, from the other node. The embedded default is one process by design and is skipped.
 */
import type { Log } from '../attempt.ts'
import type { BenchOptions } from '../options.ts'
import { runFixed } from './busy.ts'

export const nodes = (opts: BenchOptions, log: Log) =>
  runFixed('nodes', 'nodes: busy rooms over two nodes', 2, opts, log)
