import { execFileSync } from 'node:child_process'
import { closeSync, constants, openSync } from 'node:fs'
import { mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

/**
 * Holds every thread of libuv's pool (where Argon2id hashes run) until `release`: each one blocks opening a
 * FIFO for reading until the FIFO is opened for writing. Work that needs the pool waits meanwhile, so what
 * completes while it is held provably made no hash.
 */
export async function holdThreadPool(): Promise<{ release(): Promise<void> }> {
  const size = Number(process.env.UV_THREADPOOL_SIZE || 4)
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-pool-'))
  const fifos = Array.from({ length: size }, (_, i) => path.join(dir, `f${i}`))
  for (const fifo of fifos) execFileSync('mkfifo', [fifo])
  const readers = fifos.map((fifo) => open(fifo, 'r'))
  return {
    async release() {
      // From this thread (the pool is held): a non-blocking open for writing fails until its reader waits.
      for (const fifo of fifos) {
        for (;;) {
          try {
            closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK))
            break
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 10))
          }
        }
      }
      for (const reader of await Promise.all(readers)) await reader.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
