/** What the receivers saw: latencies, duplicates, cross-room leaks, and what never came. */
export interface LoadResult {
  sent: number
  expected: number
  delivered: number
  deliveriesPerS: number
  p50: number
  p90: number
  p99: number
  max: number
  lost: number
  duplicated: number
  leaks: number
  /** Frames that did not parse as a bench message (warm-up messages among them). */
  foreign: number
  /** Sockets closed before the end (by the server, or the connection failed), by close code or reason. */
  gone: Record<string, number>
}

export class Tally {
  closed = false
  private expected = 0
  private sentCount = 0
  private readonly latencies: number[] = []
  private readonly seen = new Map<number, Set<string>>()
  private duplicated = 0
  private leaks = 0
  private foreign = 0
  private readonly goneBy: Record<string, number> = {}

  constructor(private readonly roomSizes: number[]) {}

  sent(room: number): void {
    this.sentCount++
    this.expected += this.roomSizes[room] ?? 0
  }

  received(client: number, room: number, text: string, at: number): void {
    if (this.closed) return
    const m = /^bench (\d+) (\S+) ([\d.]+)$/.exec(text)
    if (!m) return void this.foreign++
    if (Number(m[1]) !== room) return void this.leaks++
    const seen = this.seen.get(client) ?? new Set<string>()
    this.seen.set(client, seen)
    const nonce = m[2] as string
    if (seen.has(nonce)) return void this.duplicated++
    seen.add(nonce)
    this.latencies.push(at - Number(m[3]))
  }

  gone(why: string): void {
    if (!this.closed) this.goneBy[why] = (this.goneBy[why] ?? 0) + 1
  }

  summary(seconds: number): LoadResult {
    const sorted = Float64Array.from(this.latencies).sort()
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN
    return {
      sent: this.sentCount,
      expected: this.expected,
      delivered: sorted.length,
      deliveriesPerS: sorted.length / seconds,
      p50: q(0.5),
      p90: q(0.9),
      p99: q(0.99),
      max: sorted[sorted.length - 1] ?? Number.NaN,
      lost: this.expected - sorted.length,
      duplicated: this.duplicated,
      leaks: this.leaks,
      foreign: this.foreign,
      gone: this.goneBy,
    }
  }
}
