import type { IncomingMessage } from 'node:http'
import { BlockList, isIP } from 'node:net'
import type { TLSSocket } from 'node:tls'

/**
 * What X-Forwarded-* a request may be believed for (TRUST_PROXY), one rule for HTTP (Koa's ctx.ip) and the
 * socket upgrade. A client can put anything in X-Forwarded-For; only what a proxy of ours added counts:
 * - `hops`: the proxies in front append (or, at the edge, overwrite) one entry each, so the client is the
 *   entry `hops` from the right (Koa's `maxIpsCount`, Express's `trust proxy` number);
 * - `proxies`: walking from the right, entries are believed only while the hop that added them is a listed
 *   proxy (Express's list of addresses); a request from anyone else has its X-Forwarded-* ignored.
 */
export type TrustProxy =
  | { kind: 'none' }
  | { kind: 'hops'; hops: number }
  | { kind: 'proxies'; list: BlockList }

const MAX_HOPS = 10

export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = (raw ?? '').trim().toLowerCase()
  if (['', '0', 'false', 'no', 'off'].includes(value)) return { kind: 'none' }
  // `true` is one proxy (the usual nginx in front): never "believe the leftmost entry", which a client writes.
  if (['1', 'true', 'yes', 'on'].includes(value)) return { kind: 'hops', hops: 1 }
  if (/^\d+$/.test(value)) {
    const hops = Number(value)
    if (hops > MAX_HOPS) throw new Error(`TRUST_PROXY: at most ${MAX_HOPS} proxy hops, got "${raw}"`)
    return { kind: 'hops', hops }
  }
  const list = new BlockList()
  for (const item of value.split(',')) addProxy(list, item.trim(), raw ?? '')
  return { kind: 'proxies', list }
}

function addProxy(list: BlockList, item: string, raw: string): void {
  const bad = () =>
    new Error(
      'TRUST_PROXY must be false, true (one proxy), a number of proxy hops, or a comma-separated list of ' +
        `the proxies' addresses or CIDR ranges (such as 10.0.0.0/8,::1 or loopback), got "${raw}"`,
    )
  if (item === 'loopback') {
    list.addSubnet('127.0.0.0', 8, 'ipv4')
    list.addAddress('::1', 'ipv6')
    return
  }
  const [addr = '', bits, extra] = item.split('/')
  const family = isIP(addr)
  if (!family || extra !== undefined) throw bad()
  const type = family === 4 ? 'ipv4' : 'ipv6'
  if (bits === undefined) {
    list.addAddress(addr, type)
    return
  }
  const prefix = Number(bits)
  if (!/^\d{1,3}$/.test(bits) || prefix > (family === 4 ? 32 : 128)) throw bad()
  list.addSubnet(addr, prefix, type)
}

function listed(list: BlockList, addr: string): boolean {
  const family = isIP(addr)
  return family !== 0 && list.check(addr, family === 4 ? 'ipv4' : 'ipv6')
}

/** Whether this request's X-Forwarded-* may be believed at all: it came from (what we take for) our proxy. */
export function fromTrustedProxy(trust: TrustProxy, req: IncomingMessage): boolean {
  if (trust.kind === 'none') return false
  if (trust.kind === 'hops') return true
  return listed(trust.list, req.socket.remoteAddress ?? '')
}

/** A header's comma-separated entries, in order (repeated headers are joined by Node already). */
function entries(value: string | string[] | undefined): string[] {
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '')
  return joined
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

/** The client's address: the peer's, or the X-Forwarded-For entry that the trusted proxies vouch for. */
export function clientAddress(trust: TrustProxy, req: IncomingMessage): string {
  const peer = req.socket.remoteAddress || 'unknown'
  if (trust.kind === 'none' || !fromTrustedProxy(trust, req)) return peer
  const chain = entries(req.headers['x-forwarded-for'])
  // Fewer entries than hops: the furthest one there is (as Koa and Express do).
  if (trust.kind === 'hops') return chain.at(-trust.hops) ?? chain[0] ?? peer
  let addr = peer
  for (let i = chain.length - 1; i >= 0 && listed(trust.list, addr); i--) addr = chain[i] as string
  return addr
}

/**
 * The origin (scheme, host and port) the client addressed: X-Forwarded-Proto and -Host only from a trusted
 * proxy, their first entry, as Koa's ctx.protocol and ctx.host read them.
 */
export function requestOrigin(trust: TrustProxy, req: IncomingMessage): string | undefined {
  const trusted = fromTrustedProxy(trust, req)
  const tls = (req.socket as TLSSocket).encrypted === true
  const proto = tls ? 'https' : (trusted && entries(req.headers['x-forwarded-proto'])[0]) || 'http'
  const host = (trusted && entries(req.headers['x-forwarded-host'])[0]) || req.headers.host
  if (!host || !/^https?$/i.test(proto)) return undefined
  try {
    return new URL(`${proto.toLowerCase()}://${host}`).origin
  } catch {
    return undefined
  }
}
