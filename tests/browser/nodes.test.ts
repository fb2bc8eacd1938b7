import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { isolatedEnv } from '../support/app.ts'
import { NEEDS_SERVICES, servicesBackend } from '../support/backends.ts'
import { launchChromium } from '../support/chromium.ts'
import { startNodes, stopNodes } from '../support/cluster.ts'
import { HttpUser } from '../support/http.ts'
import type { NodeProcess } from '../support/process.ts'
import { TcpProxy } from '../support/tcp-proxy.ts'
import { openRoom, seqsOf, userContext, waitForBody, waitLive } from './helpers.ts'

const services = servicesBackend()

describe('two people on two nodes', { timeout: 120_000, skip: services ? false : NEEDS_SERVICES }, () => {
  let nodes: NodeProcess[] = []
  let cleanup: () => Promise<void>
  let browser: Browser
  before(async () => {
    const isolated = await isolatedEnv(services as NonNullable<typeof services>)
    cleanup = isolated.cleanup
    nodes = await startNodes(isolated.env, 2)
    browser = await launchChromium()
  })
  after(async () => {
    await browser?.close()
    await stopNodes(nodes)
    await cleanup?.()
  })

  it('chat live, and a page whose network was cut shows every message once, in order, when it is back', async (t) => {
    const [a, b] = nodes as [NodeProcess, NodeProcess]
    // Ann reaches node a through a proxy the test can cut: her network, not the server, goes away.
    const target = new URL(a.url)
    const proxy = new TcpProxy(target.hostname, Number(target.port))
    await proxy.start()
    const annUrl = `http://127.0.0.1:${proxy.port}`
    const annContext = await userContext(browser, annUrl, 'ann')
    const ann = await openRoom(annContext, annUrl, 'general')
    const bob = await HttpUser.signUp(b.url, 'bob')
    const bobContext = await browser.newContext()
    await bobContext.addCookies([
      { name: 'parley_session', value: bob.cookie('parley_session') as string, url: b.url },
    ])
    const bobPage: Page = await openRoom(bobContext, b.url, 'general')
    const post = async (body: string) => {
      const res = await bob.post('/rooms/general/messages', { body, client_id: randomUUID() })
      assert.equal(res.status, 303)
    }
    await post('hello from node b')
    await waitForBody(ann, 'hello from node b')
    await waitForBody(bobPage, 'hello from node b')

    await ann.evaluate(() => Object.assign(window, { __samePage: true }))
    await proxy.cut()
    await ann.locator('#room[data-ws="closed"]').waitFor({ timeout: 10_000 })
    const missed = ['while you were away 1', 'while you were away 2', 'while you were away 3']
    for (const body of missed) await post(body)
    assert.equal(await ann.locator('#room').getAttribute('data-ws'), 'closed', 'still cut off')
    await proxy.restore()
    await waitLive(ann)
    for (const body of missed) await waitForBody(ann, body)
    await post('and live again')
    await waitForBody(ann, 'and live again')
    const seqs = await seqsOf(ann)
    assert.deepEqual(seqs, [1, 2, 3, 4, 5], 'every message once, in order')
    assert.equal(await ann.evaluate(() => '__samePage' in window), true, 'caught up without a reload')
    await proxy.stop()
    t.diagnostic(
      'ann on node a offline while bob (node b) sent 3: after reconnecting she has seqs 1..5, once each',
    )
  })
})
