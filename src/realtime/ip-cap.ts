/** How many sockets each client address has open on this node. */
export class IpCap {
  private readonly perIp = new Map<string, number>()

  /**
   * Takes one of an address's socket places, at once (before any await), so that many upgrades at the same
   * moment cannot all slip under the cap. Released by the hub's `leave`, or by the upgrade when it refuses.
   */
  reserve(ip: string, cap: number): boolean {
    const n = this.perIp.get(ip) ?? 0
    if (n >= cap) return false
    this.perIp.set(ip, n + 1)
    return true
  }

  /** Places an address holds now (sockets open, and upgrades still being checked). */
  taken(ip: string): number {
    return this.perIp.get(ip) ?? 0
  }

  release(ip: string): void {
    const left = (this.perIp.get(ip) ?? 0) - 1
    if (left > 0) this.perIp.set(ip, left)
    else this.perIp.delete(ip)
  }
}
