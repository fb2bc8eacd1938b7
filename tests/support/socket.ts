import WebSocket from 'ws'
import { seqs } from './html.ts'
import type { HttpUser } from './http.ts'

export interface Closed {
  code: number
  reason: string
}

const EXTRA = /^<hx-partial hx-target="#(side-\d+|presence|typing)"/

/** A real `ws` client speaking what htmx 4 sends: a resume frame on open, form fields + headers for a send. */
export class TestSocket {
  /** The room's frames and the replies to this socket (messages, edits, composer, notices). */
  readonly frames: string[] = []
  /** The live features, kept apart: sidebar badges, who's here, who's typing. */
  readonly extras: string[] = []
  readonly closed: Promise<Closed>
  private waiters: Array<() => void> = []

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      // Under load the server sends several room frames as one message: each is kept as its own frame here
      // (they start with <!--seq N-->; 0 marks one outside the message order, and is dropped).
      for (const part of data.toString().split(/(?=<!--seq \d+-->)/)) {
        const frame = part.startsWith('<!--seq 0-->') ? part.slice('<!--seq 0-->'.length) : part
        if (frame) (EXTRA.test(frame) ? this.extras : this.frames).push(frame)
      }
      for (const wake of this.waiters.splice(0)) wake()
    })
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    )
  }

  /** Waits until `predicate` holds over the frames received so far. */
  async waitFor(predicate: (frames: string[]) => boolean, what: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!predicate(this.frames)) {
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${this.frames.length} frames`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  sendJson(value: unknown): void {
    this.ws.send(JSON.stringify(value))
  }

  /** Exactly the frame htmx 4's hx-ws:send makes of the composer form. */
  sendMessage(
    fields: { body: string; client_id: string; _csrf: string },
    page = 'http://127.0.0.1/rooms/x',
  ): void {
    this.sendJson({
      ...fields,
      headers: {
        'HX-Request': 'true',
        'HX-Source': 'form#composer',
        'HX-Current-URL': page,
        'HX-Target': 'form#composer',
      },
    })
  }

  close(): Promise<Closed> {
    this.ws.close()
    return this.closed
  }
}

export interface OpenOptions {
  /** The node to connect to (default: the one the user signed up on). */
  base?: string
  origin?: string | null
  lastSeq?: number | null
}

function wsUrl(base: string, slug: string): string {
  return `${base.replace(/^http/, 'ws')}/rooms/${slug}/ws`
}

/** Opens a room socket as `user`; resolves once open (and resumed from `lastSeq`, unless null). */
export async function openSocket(user: HttpUser, slug: string, opts: OpenOptions = {}): Promise<TestSocket> {
  const base = opts.base ?? user.base
  const origin = opts.origin === undefined ? base : opts.origin
  const headers: Record<string, string> = { cookie: user.cookieHeader }
  if (origin) headers.origin = origin
  const ws = new WebSocket(wsUrl(base, slug), { headers })
  const socket = new TestSocket(ws)
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)))
    ws.once('error', reject)
  })
  const last = opts.lastSeq === undefined ? 0 : opts.lastSeq
  if (last !== null) socket.sendJson({ type: 'resume', last_seq: last })
  return socket
}

/** The HTTP status an upgrade is refused with (or 101 if it was accepted). */
export function upgradeStatus(base: string, slug: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(base, slug), { headers })
    ws.once('open', () => {
      ws.close()
      resolve(101)
    })
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      res.destroy()
    })
    ws.once('error', reject)
  })
}

/** The seqs of the message articles a socket was pushed (live, replayed or re-rendered), in arrival order. */
export function pushedSeqs(socket: TestSocket): number[] {
  return socket.frames.flatMap((f) => [...f.matchAll(APPENDED)].flatMap((m) => seqs(m[1] as string)))
}

/** What frames add to the log (new messages, replays, a re-rendered page), as opposed to edits in place. */
const APPENDED =
  /<hx-partial hx-target="#messages" hx-swap="(?:beforeend|innerHTML)">([\s\S]*?)<\/hx-partial>/g

/** The seq a room frame brings the page up to (its leading `<!--seq N-->`), or undefined for other frames. */
export function frameSeq(frame: string): number | undefined {
  const m = /^<!--seq (\d+)-->/.exec(frame)
  return m ? Number(m[1]) : undefined
}

/** The message bodies a socket was pushed, by seq. */
export function pushedBodies(socket: TestSocket): Map<number, string> {
  const bodies = new Map<number, string>()
  for (const f of socket.frames) {
    for (const m of f.matchAll(/data-seq="(\d+)"[\s\S]*?<p class="body">([\s\S]*?)<\/p>/g))
      bodies.set(Number(m[1]), m[2] as string)
  }
  return bodies
}

/**
 * The answer to one send, for the sending socket only: its page entry (#send-<key>) stored, refused or
 * "trying again", or, for a frame with no usable key, the composer's error alone.
 */
export function isAnswer(frame: string): boolean {
  return /^<hx-partial hx-target="#(send-|composer-error)/.test(frame)
}

/** An answer saying "stored". */
export function isStored(frame: string): boolean {
  return isAnswer(frame) && frame.includes('class="send sent"')
}
