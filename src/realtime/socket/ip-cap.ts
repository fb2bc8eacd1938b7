import { addressKey } from '../../chat/limits.ts'

/**
 * How many sockets each client address has open on this node. An address is counted as sign-in counts it
 * (addressKey): IPv6 per /64, since one client holds a whole /64 and could take a new address per socket.
 */
export class IpCap {
  private readonly perIp = new Map<string, number>()

  /**
   * Takes one of an address's socket places, at once (before any await), so that many upgrades at the same
   * moment cannot all slip under the cap. Released by the hub's `leave`, or by the upgrade when it refuses.
   */
  reserve(ip: string, cap: number): boolean {
    const key = addressKey(ip)
    const n = this.perIp.get(key) ?? 0
    if (n >= cap) return false
    this.perIp.set(key, n + 1)
    return true
  }

  /** Places an address holds now (sockets open, and upgrades still being checked). */
  taken(ip: string): number {
    return this.perIp.get(addressKey(ip)) ?? 0
  }

  release(ip: string): void {
    const key = addressKey(ip)
    const left = (this.perIp.get(key) ?? 0) - 1
    if (left > 0) this.perIp.set(key, left)
    else this.perIp.delete(key)
  }
}
