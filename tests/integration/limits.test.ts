import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import pino from 'pino'
import { hashPassword } from '../../src/auth/password.ts'
import type { RateLimiter } from '../../src/chat/limits.ts'
import { manualClock } from '../../src/clock.ts'
import { memoryLimiter } from '../../src/limits/memory.ts'
import { redisLimiter } from '../../src/limits/redis.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { backends, uniqueName } from '../support/backends.ts'
import { AddressedVisitor } from '../support/from-address.ts'
import { type HttpUser, PASSWORD, type Page } from '../support/http.ts'
import { openSocket } from '../support/socket.ts'
import { holdThreadPool } from '../support/threadpool.ts'

const TOO_MANY = /Too many sign-in attempts\. Try again in \d+ (s|min)\./

/** Signs up from a loopback address of its own (sign-ups are limited per address). */
async function signUpFrom(app: TestApp, address: string, username: string): Promise<AddressedVisitor> {
  const v = new AddressedVisitor(app.url, address)
  await v.get('/signup')
  const res = await v.post('/signup', { username, password: PASSWORD })
  assert.equal(res.status, 303, `sign-up of ${username}: ${res.status}`)
  await v.get('/')
  return v
}

async function visitorAt(app: TestApp, address: string): Promise<AddressedVisitor> {
  const v = new AddressedVisitor(app.url, address)
  await v.get('/login')
  return v
}

const userCount = async (app: TestApp) =>
  (await app.store.db.selectFrom('users').select('id').execute()).length

for (const backend of backends()) {
  describe(`limits on sign-in, sign-up and edits [${backend.name}]`, { timeout: 90_000 }, () => {
    let app: TestApp
    // Time passes only when a test says so (the in-process limiter; Redis keeps its own time).
    const clock = manualClock()
    before(async () => {
      // The shipped defaults: 5 messages (and 5 edits) at once then 1 a second; LOGINS_PER_15M = 10.
      const limits = { MESSAGE_BURST: '5', MESSAGES_PER_10S: '10', LOGINS_PER_15M: '10' }
      app = await startTestApp(backend, limits, { clock })
      await signUpFrom(app, '127.0.0.10', 'root')
    })
    after(() => app?.close())

    it("keeps an address's sign-in limit when a chat message sweeps the limiter a minute later", async () => {
      const chatter = await signUpFrom(app, '127.0.0.11', 'chatter')
      const guesser = await visitorAt(app, '127.0.0.12')
      for (let i = 0; i < 10; i++) {
        const res = await guesser.post('/login', { username: `nobody${i}`, password: 'wrong password' })
        assert.equal(res.status, 422, `guess ${i}`)
      }
      assert.match((await guesser.post('/login', { username: 'x', password: 'y' })).html, TOO_MANY)
      // A minute on (the in-process limiter sweeps idle buckets once a minute), someone chats.
      clock.advance(61_000)
      const sent = await chatter.post('/rooms/general/messages', { body: 'hi', client_id: randomUUID() })
      assert.equal(sent.status, 303)
      const again = await guesser.post('/login', { username: 'nobody10', password: 'wrong password' })
      assert.equal(again.status, 429, 'still 10 guesses per 15 min, not per minute')
      assert.match(again.html, TOO_MANY)
    })

    it('slows a guesser down without locking the owner out (per account and address, growing delays)', async () => {
      await signUpFrom(app, '127.0.0.20', 'owner')
      const guesser = await visitorAt(app, '127.0.0.21')
      const statuses: number[] = []
      for (let i = 0; i < 15; i++)
        statuses.push((await guesser.post('/login', { username: 'owner', password: `guess ${i}` })).status)
      // The owner, from their own address, gets in at once ...
      const owner = await visitorAt(app, '127.0.0.22')
      const res = await owner.post('/login', { username: 'owner', password: PASSWORD })
      assert.equal(res.status, 303, 'the owner is not locked out')
      assert.match((await owner.get('/')).html, /Signed in as <strong>owner<\/strong>/)
      // ... while the guesser's address had five free guesses, then waits, even with the right password.
      assert.deepEqual(statuses.slice(0, 5), [422, 422, 422, 422, 422], 'five free guesses')
      assert.ok(
        statuses.slice(5).every((s) => s === 429),
        `then a delay: ${statuses.join(',')}`,
      )
      const blocked = await guesser.post('/login', { username: 'owner', password: PASSWORD })
      assert.equal(blocked.status, 429)
      assert.match(blocked.html, /Try again in 2 min\./, 'the first delay is 90 s')
    })

    it('refuses a flood of sign-ups from one address before hashing, and creates nobody', async () => {
      // Each attempt as a fresh visitor with its own form (a sign-up signs that visitor in).
      const visitors = (n: number) =>
        Promise.all(
          Array.from({ length: n }, async () => {
            const v = new AddressedVisitor(app.url, '127.0.0.30')
            await v.get('/signup')
            return v
          }),
        )
      const users = await userCount(app)
      const first: number[] = []
      for (const [i, v] of (await visitors(5)).entries())
        first.push((await v.post('/signup', { username: `flood${i}`, password: PASSWORD })).status)
      assert.deepEqual(first, [303, 303, 303, 303, 303], 'five at once are fine')
      const flood = await visitors(20)
      // While every thread that could hash is held, the refusals still come back: none of them hashed.
      const pool = await holdThreadPool()
      const control = hashPassword('made while the pool is held')
      let hashed = false
      void control.then(() => {
        hashed = true
      })
      let timer: NodeJS.Timeout | undefined
      const stuck = new Promise<undefined>((resolve) => {
        timer = setTimeout(resolve, 15_000, undefined)
      })
      let refused: Page[] | undefined
      try {
        const posts = flood.map((v, i) => v.post('/signup', { username: `more${i}`, password: PASSWORD }))
        refused = await Promise.race([Promise.all(posts), stuck])
        assert.ok(refused, 'the refusals waited for the held thread pool: they were hashing')
        assert.equal(hashed, false, 'the pool was held: no hash could finish meanwhile')
      } finally {
        clearTimeout(timer)
        await pool.release()
      }
      await control
      assert.deepEqual(
        refused.map((r) => r.status),
        Array(20).fill(429),
      )
      assert.match(refused[0]?.html ?? '', /Too many sign-ups from your address\. Try again in \d+ (s|min)\./)
      assert.equal(await userCount(app), users + 5, 'nobody more was created')
      // Another address signs up as usual.
      await signUpFrom(app, '127.0.0.31', 'elsewhere')
    })

    it('limits edits like messages: quick edits past the burst get 429 and a clear message, and are not pushed', async () => {
      const ann = await signUpFrom(app, '127.0.0.40', 'ann')
      const bob = await signUpFrom(app, '127.0.0.41', 'bob')
      const sent = await ann.post('/rooms/general/messages', { body: 'first draft', client_id: randomUUID() })
      assert.equal(sent.status, 303)
      const row = await app.store.db
        .selectFrom('messages')
        .select('id')
        .where('body', '=', 'first draft')
        .executeTakeFirstOrThrow()
      const watcher = await openSocket(bob as unknown as HttpUser, 'general')
      const statuses: number[] = []
      let refusal = ''
      for (let i = 1; i <= 40; i++) {
        const res = await ann.post(`/messages/${row.id}/edit`, { body: `edit number ${i}` })
        statuses.push(res.status)
        if (res.status === 429 && !refusal) refusal = res.html
      }
      const accepted = statuses.filter((s) => s === 303).length
      assert.ok(accepted >= 5 && accepted < 20, `accepted ${accepted}: ${statuses.join(',')}`)
      assert.equal(accepted + statuses.filter((s) => s === 429).length, 40)
      assert.match(refusal, /Slow down: you can edit again in \d+ s\./)
      assert.match(refusal, /edit number \d+<\/textarea>/, 'the text is kept')
      // A message after the edits: once bob has it, every edit frame published before it has arrived too.
      await ann.post('/rooms/general/messages', { body: 'marker', client_id: randomUUID() })
      await watcher.waitFor((f) => f.some((x) => x.includes('marker')), 'the marker')
      const editFrames = watcher.frames.filter((f) => /edit number \d+/.test(f))
      assert.equal(editFrames.length, accepted, 'one push per accepted edit, none for refused ones')
      watcher.ws.terminate()
    })
  })
}

for (const backend of backends()) {
  describe(`guessing one account from many addresses [${backend.name}]`, { timeout: 90_000 }, () => {
    let app: TestApp
    // LOGINS_PER_15M = 2: per address 2 attempts, per account and address 1 free, and per account 10 from
    // browsers that never signed in to it.
    before(async () => {
      app = await startTestApp(backend, { LOGINS_PER_15M: '2' })
    })
    after(() => app?.close())

    it("stops at the account's budget, while the owner's own browser still gets in", async () => {
      const owner = await signUpFrom(app, '127.0.0.40', 'target')
      assert.equal((await owner.post('/logout', {})).status, 303)
      await owner.get('/login')
      const mallory = await signUpFrom(app, '127.0.0.41', 'mallory')
      for (let i = 0; i < 10; i++) {
        const guesser = await visitorAt(app, `127.0.1.${i + 1}`)
        const res = await guesser.post('/login', { username: 'target', password: `guess ${i}` })
        assert.equal(res.status, 422, `guess ${i} from its own address`)
      }
      // The eleventh new browser is refused before any hashing, even with the right password ...
      const fresh = await visitorAt(app, '127.0.1.11')
      const refused = await fresh.post('/login', { username: 'target', password: PASSWORD })
      assert.equal(refused.status, 429)
      assert.match(refused.html, TOO_MANY)
      // ... and a device cookie of another account does not count for this one ...
      const forged = await mallory.post('/login', { username: 'target', password: PASSWORD })
      assert.equal(forged.status, 429, "mallory's device cookie is not target's")
      // ... while the owner's browser, which signed in before, gets in.
      const back = await owner.post('/login', { username: 'target', password: PASSWORD })
      assert.equal(back.status, 303, 'the owner is not locked out')
      // A name nobody has is answered the same way, so the budget tells nobody which accounts exist.
      for (let i = 0; i < 10; i++)
        await (await visitorAt(app, `127.0.2.${i + 1}`)).post('/login', { username: 'ghost', password: 'x' })
      const ghost = await (await visitorAt(app, '127.0.2.11')).post('/login', {
        username: 'ghost',
        password: 'x',
      })
      assert.equal(ghost.status, 429)
    })
  })

  describe(`a device cookie's own budget [${backend.name}]`, { timeout: 90_000 }, () => {
    let app: TestApp
    before(async () => {
      app = await startTestApp(backend, { LOGINS_PER_15M: '2' })
    })
    after(() => app?.close())

    it('budgets guesses that carry a valid device cookie too: a stolen one buys no more than 10', async () => {
      const owner = await signUpFrom(app, '127.0.0.60', 'holder')
      const device = /(?:^|; )((?:__Host-)?parley_device=[^;]+)/.exec(owner.cookieHeader)?.[1]
      assert.ok(device, 'signing up leaves a device cookie')
      const withDevice = async (address: string) => {
        const v = await visitorAt(app, address)
        v.keep(`${device}; Path=/`)
        return v
      }
      for (let i = 0; i < 10; i++) {
        const res = await (await withDevice(`127.0.3.${i + 1}`)).post('/login', {
          username: 'holder',
          password: `guess ${i}`,
        })
        assert.equal(res.status, 422, `guess ${i}`)
      }
      const refused = await (await withDevice('127.0.3.11')).post('/login', {
        username: 'holder',
        password: PASSWORD,
      })
      assert.equal(refused.status, 429, "the cookie's budget is spent")
    })
  })

  describe(`the limiter's growing delays [${backend.name}]`, () => {
    it('gives free attempts, then waits that double up to a cap, and forgets a key on success', async () => {
      // In process, time moves by hand; Redis times attempts by its own clock, which only real time moves.
      const clock = manualClock()
      const wait = (ms: number) =>
        backend.redisUrl ? new Promise((resolve) => setTimeout(resolve, ms + 5)) : clock.advance(ms)
      const limiter: RateLimiter & { close?(): Promise<void> } = backend.redisUrl
        ? await redisLimiter(backend.redisUrl, `${uniqueName('lim')}:`, pino({ level: 'silent' }))
        : memoryLimiter(clock)
      try {
        const b = { free: 2, firstDelayMs: 100, maxDelayMs: 200, forgetMs: 60_000 }
        assert.equal((await limiter.attempt('k', b)).ok, true)
        assert.equal((await limiter.attempt('k', b)).ok, true)
        const waits: number[] = []
        for (let i = 0; i < 3; i++) {
          const refused = await limiter.attempt('k', b)
          assert.equal(refused.ok, false)
          waits.push(refused.retryAfterMs)
          // Waiting what it said is enough (on Redis, by Redis's clock: a few ms more for the round trip).
          await wait(refused.retryAfterMs)
          assert.equal((await limiter.attempt('k', b)).ok, true)
        }
        const [first = 0, second = 0, third = 0] = waits
        assert.ok(first > 50 && first <= 100, `first wait ${first}`)
        assert.ok(second > 100 && second <= 200, `second wait ${second}`)
        assert.ok(third > 100 && third <= 200, `capped: ${third}`)
        await limiter.forget('k')
        assert.equal((await limiter.attempt('k', b)).ok, true, 'forgotten')
      } finally {
        await limiter.close?.()
      }
    })
  })
}
