import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CLOSE_WAIT_MS } from '../../src/realtime/index.ts'
import { SEND_GRACE_MS, SHUTDOWN_GRACE_MS, stopInOrder } from '../../src/shutdown.ts'

describe('stopping a node', () => {
  it('closes the store and the bus only after the sockets have stopped, even past the grace', async () => {
    const steps: string[] = []
    let socketsDone: () => void = () => {}
    const sockets = new Promise<void>((resolve) => {
      socketsDone = () => {
        steps.push('sockets closed')
        resolve()
      }
    })
    // The sockets' sends take longer than the grace (as when they run the full SEND_GRACE_MS).
    setTimeout(() => socketsDone(), 120)
    await stopInOrder(
      {
        sockets,
        http: Promise.resolve(),
        cutHttp: () => steps.push('http cut'),
        closeBackends: async () => {
          steps.push('backends closed')
        },
      },
      20,
    )
    assert.deepEqual(steps, ['http cut', 'sockets closed', 'backends closed'])
  })

  it('gives the sockets their whole grace and their close wait before cutting anything', () => {
    assert.ok(SHUTDOWN_GRACE_MS >= SEND_GRACE_MS + CLOSE_WAIT_MS + 1000, `${SHUTDOWN_GRACE_MS} ms`)
  })
})
