import type Koa from 'koa'
import { clientAddress, fromTrustedProxy, type TrustProxy } from '../forwarded.ts'
import type { AppState } from './state.ts'

const FORWARDED = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host'] as const

/** Koa's own reading of X-Forwarded-*, set to the TRUST_PROXY rule (Koa's `maxIpsCount` for a number of hops). */
export function koaProxyOptions(trust: TrustProxy): { proxy: boolean; maxIpsCount: number } {
  return { proxy: trust.kind !== 'none', maxIpsCount: trust.kind === 'hops' ? trust.hops : 0 }
}

/**
 * ctx.ip (rate limits, the /metrics rule, logs) by the same rule as the socket upgrade. A request that did not
 * come from a listed proxy has its X-Forwarded-* dropped, so that ctx.protocol and ctx.host ignore them too.
 */
export function clientAddressFrom(trust: TrustProxy): Koa.Middleware<AppState> {
  return async (ctx, next) => {
    if (trust.kind === 'proxies' && !fromTrustedProxy(trust, ctx.req))
      for (const name of FORWARDED) delete ctx.req.headers[name]
    ctx.request.ip = clientAddress(trust, ctx.req)
    await next()
  }
}
