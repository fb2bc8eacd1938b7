import { randomUUID } from 'node:crypto'
import WebSocket from 'ws'
import type { HttpUser } from '../support/http.ts'
import { isAnswer, openSocket, type TestSocket } from '../support/socket.ts'
import type { Answer, Tally } from './tally.ts'
import { type Action, nextAction, nextBody, nextGapMs, nextMalformed, OVERSIZE, sleep } from './traffic.ts'

const ANSWER_WAIT_MS = 20_000
const isMessages = (f: string) => /^<!--seq \d+--><hx-partial hx-target="#messages"/.test(f)
const isNotice = (f: string) => f.startsWith('<hx-partial hx-target="#notice"')

/** One person in one room, one action at a time, so each answer frame answers the one send in flight. */
export class SoakClient {
  private socket: TestSocket | undefined
  private readonly seen = new Set<number>()
  private highest = 0
  private waiter: { want: (frame: string) => boolean; wake: (answer: Answer) => void } | undefined
  /** The close code the last provoking frame must get. */
  private expectedClose: number | undefined

  constructor(
    private readonly user: HttpUser,
    private readonly username: string,
    private readonly slug: string,
    private readonly tally: Tally,
  ) {}

  /** Opens the room socket, resuming from the highest seq seen; a few tries, since every failure counts. */
  async connect(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return this.attach(await openSocket(this.user, this.slug, { lastSeq: this.highest }))
      } catch (err) {
        this.tally.connectFailures++
        this.tally.note(`upgrade failed: ${(err as Error).message}`)
        if (attempt === 5) throw err
        await sleep(1000 * attempt)
      }
    }
  }

  async run(until: number): Promise<void> {
    for (;;) {
      await sleep(Math.min(nextGapMs(), Math.max(0, until - Date.now())))
      if (Date.now() >= until) return
      await this.act(nextAction())
    }
  }

  async close(): Promise<void> {
    const socket = this.socket
    this.socket = undefined
    if (socket && socket.ws.readyState !== WebSocket.CLOSED) {
      socket.ws.close()
      await Promise.race([socket.closed, sleep(5000)])
    }
  }

  /** Seqs below the highest one seen that never arrived (the rooms start empty, so all should). */
  gaps(): number {
    return this.highest - this.seen.size
  }

  private async act(action: Action): Promise<void> {
    if (!this.socket || this.socket.ws.readyState !== WebSocket.OPEN) await this.reopen()
    if (action === 'send') return this.send()
    if (action === 'burst') for (let i = 0; i < 7; i++) await this.send()
    if (action === 'reconnect') await this.reopen()
    if (action === 'oversize') await this.provoke(OVERSIZE, 1009, () => this.tally.oversize++)
    if (action === 'malformed') await this.provoke(nextMalformed(), 1003, () => this.tally.malformed++)
  }

  private async send(): Promise<void> {
    const socket = this.socket
    if (!socket) return
    const body = nextBody(this.tally.sent)
    const clientId = randomUUID()
    const answer = this.answer(isAnswer)
    this.tally.sent++
    this.tally.sends.set(clientId, { username: this.username, body: body.text })
    socket.sendMessage({ body: body.text, client_id: clientId, _csrf: this.user.csrf })
    this.tally.judge(clientId, body.valid, await answer)
  }

  /** Sends a frame the server must refuse: by closing with `code`, or (text junk) with a notice frame. */
  private async provoke(data: string | Buffer, code: number, count: () => void): Promise<void> {
    const socket = this.socket
    if (!socket) return
    count()
    this.expectedClose = code
    const answer = this.answer(isNotice)
    socket.ws.send(data, { binary: typeof data !== 'string' })
    const got = await answer
    this.expectedClose = undefined
    if (got === 'timeout') this.tally.unexpectedCloses.push(`no close ${code} nor notice`)
    if (got === 'closed') await this.reopen()
  }

  private answer(want: (frame: string) => boolean): Promise<Answer> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake('timeout'), ANSWER_WAIT_MS)
      this.waiter = {
        want,
        wake: (a) => {
          clearTimeout(timer)
          resolve(a)
        },
      }
    })
  }

  private async reopen(): Promise<void> {
    await this.close()
    this.tally.reconnects++
    await this.connect()
  }

  private attach(socket: TestSocket): void {
    this.socket = socket
    socket.ws.on('error', (err) => {
      this.tally.socketErrors++
      this.tally.note(`client socket error: ${err.message}`)
    })
    // TestSocket keeps every frame; a soak would pile up hundreds of MB of them, so take each and drop it.
    socket.ws.on('message', () => {
      for (const frame of socket.frames.splice(0)) this.onFrame(frame)
      socket.extras.length = 0
    })
    socket.ws.on('close', (code) => this.onClose(socket, code))
  }

  private onFrame(frame: string): void {
    this.tally.framesIn++
    if (isMessages(frame)) {
      for (const m of frame.matchAll(/data-seq="(\d+)"/g)) {
        const seq = Number(m[1])
        this.seen.add(seq)
        this.highest = Math.max(this.highest, seq)
      }
    }
    if (this.waiter?.want(frame)) this.wake(frame)
  }

  /** A close we did not ask for (ours detach first) must be the one the last refused frame called for. */
  private onClose(socket: TestSocket, code: number): void {
    if (socket !== this.socket) return
    if (code !== this.expectedClose) {
      this.tally.unexpectedCloses.push(String(code))
      this.tally.note(`socket closed with ${code}`)
    }
    this.wake('closed')
  }

  private wake(answer: Answer): void {
    const waiter = this.waiter
    this.waiter = undefined
    waiter?.wake(answer)
  }
}
