import type net from 'node:net'
import pg from 'pg'
import type { Logger } from '../log.ts'
import { pgTypes } from './int8.ts'
import { OutcomeUnknown } from './pg-errors.ts'

export interface PgPoolOptions {
  url: string
  schema?: string | undefined
  /** The longest a statement may take; the server cancels it then, the client gives up 1 s later. */
  queryTimeoutMs: number
  poolSize: number
  log: Logger
}

/** The connection settings every Postgres connection of Parley uses (the migrator's too, less the timeouts). */
export function connectionConfig(opts: Pick<PgPoolOptions, 'url' | 'schema'>): pg.ClientConfig {
  return {
    connectionString: opts.url,
    types: pgTypes,
    // A dead peer is found on idle connections too, not only when a statement waits on it.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    // No JIT: its compile (tens of ms) costs more than any of Parley's short, index-bounded statements, and
    // the planner's row estimates for the sidebar's capped per-room counts (store/reads.repo.ts) cross its
    // threshold on every page load.
    options: ['-c jit=off', ...(opts.schema ? [`-c search_path=${opts.schema}`] : [])].join(' '),
  }
}

type Query = (...args: unknown[]) => Promise<unknown>
type Client = pg.PoolClient

/**
 * Postgres connections with every statement bounded in time. The server cancels a statement after the query
 * timeout (a clean, known failure) and ends a transaction left idle as long (its row locks, a room's counter
 * say, are not held for ever by a client that vanished). When even the cancel cannot come back (a silent
 * network), the client gives up 1 s later: that connection is reset and dropped, so its late answer can surprise
 * nobody, and the statement's outcome is unknown (OutcomeUnknown). The idle connections are dropped too: they
 * most likely went the same way, and each would cost the next statement a full timeout.
 */
export function openPool(opts: PgPoolOptions) {
  const pool = new pg.Pool({
    ...connectionConfig(opts),
    max: opts.poolSize,
    connectionTimeoutMillis: Math.min(2000, opts.queryTimeoutMs),
    idleTimeoutMillis: 10_000,
    statement_timeout: opts.queryTimeoutMs,
    idle_in_transaction_session_timeout: opts.queryTimeoutMs,
    query_timeout: opts.queryTimeoutMs + 1000,
  })
  // A client whose connection dies emits 'error': when idle through the pool, when checked out on the client
  // itself (its query fails anyway). Without a listener either one would crash the process.
  pool.on('error', (err) => opts.log.warn({ err: err.message }, 'postgres idle client error'))
  pool.on('connect', (client) => {
    client.on('error', (err) => opts.log.warn({ err: err.message }, 'postgres connection lost'))
  })
  const idle = idleConnections(pool, opts.log)
  /** A connection of the pool that is not condemned, as a guarded client. */
  const acquire = async (): Promise<GuardedClient> => {
    for (;;) {
      const client = await pool.connect()
      if (!idle.condemned.has(client)) return new GuardedClient(client, idle.drop)
      client.release(new Error('dropped after a timeout'))
    }
  }
  return { pool, connect: acquire, end: () => pool.end() }
}

/**
 * The pool's idle connections, and a way to drop them all at once. A dropped connection is reset at once; until
 * the pool has noticed, it is condemned, and handed to nobody.
 */
function idleConnections(pool: pg.Pool, log: Logger) {
  const idle = new Set<Client>()
  const condemned = new WeakSet<Client>()
  pool.on('release', (err, client) => {
    if (!err) idle.add(client)
  })
  pool.on('acquire', (client) => idle.delete(client))
  pool.on('remove', (client) => idle.delete(client))
  const drop = () => {
    if (idle.size) log.warn({ connections: idle.size }, 'postgres timed out: dropping idle connections')
    for (const client of idle) {
      condemned.add(client)
      reset(client)
    }
    idle.clear()
  }
  return { condemned, drop }
}

/** Resets the connection (RST, unsent bytes dropped): the server rolls back whatever it had not committed. */
function reset(client: Client): void {
  // node-pg has no public way to reach the socket.
  const stream = (client as unknown as { connection?: { stream?: net.Socket } }).connection?.stream
  if (stream && typeof stream.resetAndDestroy === 'function') stream.resetAndDestroy()
  else stream?.destroy()
}

const CONNECTION_LOST = /Connection terminated|ECONNRESET|EPIPE|socket hang up/i

/** One checked-out connection, which turns "no answer" into OutcomeUnknown and is dropped once it failed so. */
export class GuardedClient {
  private lost: Error | undefined
  private inTransaction = false

  constructor(
    private readonly client: Client,
    private readonly onTimeout: () => void,
  ) {}

  async query(...args: unknown[]): Promise<unknown> {
    if (this.lost) throw this.lost
    const text = typeof args[0] === 'string' ? args[0].trim().toLowerCase() : ''
    try {
      const result = await (this.client.query as unknown as Query)(...args)
      if (text === 'begin' || text.startsWith('start transaction')) this.inTransaction = true
      if (text === 'commit' || text === 'rollback') this.inTransaction = false
      return result
    } catch (err) {
      throw this.failed(err, text)
    }
  }

  release(): void {
    this.client.release(this.lost)
  }

  private failed(err: unknown, text: string): unknown {
    if (err instanceof pg.DatabaseError || !(err instanceof Error)) return err
    const timedOut = err.message === 'Query read timeout'
    if (!timedOut && !CONNECTION_LOST.test(`${err.message} ${(err as { code?: string }).code ?? ''}`))
      return err
    if (timedOut) {
      reset(this.client)
      this.onTimeout()
    }
    const why = timedOut ? 'the database did not answer in time' : 'the database connection broke'
    // Inside a transaction whose COMMIT was not sent, nothing was applied: a plain (known) failure.
    const known = this.inTransaction && text !== 'commit'
    this.lost = known
      ? Object.assign(new Error(`${why}; the transaction was not committed`, { cause: err }), {
          code: '08006',
        })
      : new OutcomeUnknown(why, { cause: err })
    return this.lost
  }
}
