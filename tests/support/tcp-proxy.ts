import net from 'node:net'

/** A TCP proxy a test can cut and restore, to make a service vanish under a running node. */
export class TcpProxy {
  private readonly sockets = new Set<net.Socket>()
  /** Each connection's two ends, to silence them in place. */
  private readonly pairs = new Set<[net.Socket, net.Socket]>()
  /** Black-holing: new connections are accepted and then hear nothing. */
  private silent = false
  private server: net.Server | undefined
  port = 0

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(port = 0): Promise<number> {
    this.server = net.createServer((client) => {
      if (this.silent) return this.swallow(client)
      const upstream = net.connect(this.targetPort, this.targetHost)
      const pair: [net.Socket, net.Socket] = [client, upstream]
      this.pairs.add(pair)
      upstream.on('close', () => this.pairs.delete(pair))
      for (const s of [client, upstream]) {
        this.sockets.add(s)
        s.on('close', () => this.sockets.delete(s))
        s.on('error', () => {
          client.destroy()
          upstream.destroy()
        })
      }
      client.pipe(upstream).pipe(client)
      if (this.repliesLost) this.loseReplies(pair)
    })
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve))
    this.port = (this.server.address() as net.AddressInfo).port
    return this.port
  }

  /** Drops every connection and refuses new ones, as a crashed or restarting server would. */
  async cut(): Promise<void> {
    const server = this.server
    this.server = undefined
    for (const s of this.sockets) s.destroy()
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  /**
   * Silences the network without closing anything, as a vanished host or a dropped NAT entry does: every open
   * connection stays open and forwards nothing either way, ever again (its peer's packets are lost). With
   * `newConnections` (the default) new connections are accepted and hear nothing too; without it, only the
   * connections open now go silent and new ones work (a NAT entry dropped under a live connection).
   */
  blackhole({ newConnections = true } = {}): void {
    this.silent = newConnections
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream)
      upstream.unpipe(client)
      // Read and drop: nothing is forwarded, nothing is closed.
      client.resume()
      upstream.resume()
    }
    this.pairs.clear()
  }

  /** Replies are being lost (see dropReplies). */
  private repliesLost = false

  /**
   * The server's replies are lost on the way while the client's bytes still reach it, on every connection
   * (open now and new) until cut() + restore(): a statement runs, and commits, but its answer never comes,
   * as when a link dies at the wrong moment.
   */
  dropReplies(): void {
    this.repliesLost = true
    for (const pair of this.pairs) this.loseReplies(pair)
  }

  /**
   * Like dropReplies, but only from the first client packet that contains `marker` on (say, the INSERT of a
   * message): the statements before it (the session and room look-ups) are answered as usual.
   */
  dropRepliesAfter(marker: string): void {
    for (const pair of this.pairs) {
      const [client] = pair
      const watch = (chunk: Buffer) => {
        if (!chunk.toString('latin1').toLowerCase().includes(marker.toLowerCase())) return
        client.off('data', watch)
        this.loseReplies(pair)
      }
      client.on('data', watch)
    }
  }

  private loseReplies([client, upstream]: [net.Socket, net.Socket]): void {
    upstream.unpipe(client)
    upstream.resume()
  }

  private swallow(client: net.Socket): void {
    this.sockets.add(client)
    client.on('close', () => this.sockets.delete(client))
    client.on('error', () => client.destroy())
    client.resume()
  }

  /** Forwards new connections again (on the same port, after a cut); black-holed ones stay silent. */
  async restore(): Promise<void> {
    this.silent = false
    this.repliesLost = false
    if (!this.server) await this.start(this.port)
  }

  async stop(): Promise<void> {
    await this.cut()
  }
}
