import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import pino from 'pino'
import type { Frame } from '../../src/bus/wire.ts'
import { type LoadFrames, RoomChannel } from '../../src/realtime/fanout/room-channel.ts'
import { FLUSH_GAP_MS, MAX_MESSAGE_BYTES } from '../../src/realtime/fanout/room-writer.ts'
import type { Client, OutFrame } from '../../src/realtime/socket/client.ts'

const frame = (seq: number): Frame => ({ seq, html: `<p>${seq}</p>` })

/** A channel over a "database" holding messages 1..stored (minus `deleted`), with one recording socket. */
function channel(t: TestContext, stored: number, deleted: number[] = []) {
  const got: number[] = []
  const load: LoadFrames = async (_room, after, before) => {
    const out: Frame[] = []
    const top = Math.min(before - 1, stored)
    let s = after + 1
    for (; s <= top && out.length < 500; s++) {
      if (!deleted.includes(s)) out.push(frame(s))
    }
    const more = s <= top
    return { frames: out, through: more ? s - 1 : Math.max(after, top), more }
  }
  const ch = new RoomChannel(1, 0, load, pino({ level: 'silent' }))
  const deliver = (f: OutFrame) => got.push(f.seq)
  ch.clients.add({ deliver, deliverMany: (fs: OutFrame[]) => fs.forEach(deliver) } as unknown as Client)
  // Closed even when the test fails, so a repair timer cannot keep the run alive.
  t.after(() => ch.close())
  return { ch, got }
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('a room channel', () => {
  it('delivers frames in seq order, each once', (t) => {
    const { ch, got } = channel(t, 3)
    for (const s of [2, 1, 1, 3, 2]) ch.receive(frame(s))
    assert.deepEqual(got, [1, 2, 3])
  })

  it('fills a gap from the database when the missing frame does not come', async (t) => {
    const { ch, got } = channel(t, 3)
    ch.receive(frame(1))
    ch.receive(frame(3))
    assert.deepEqual(got, [1])
    await until(() => got.length === 3)
    assert.deepEqual(got, [1, 2, 3])
  })

  it('fills a gap longer than one page without skipping any of it', async (t) => {
    const { ch, got } = channel(t, 1201)
    ch.receive(frame(1201))
    await until(() => got.length === 1201)
    assert.deepEqual(
      got,
      Array.from({ length: 1201 }, (_, i) => i + 1),
    )
  })

  it('skips a seq the database no longer has, rather than waiting for ever', async (t) => {
    const { ch, got } = channel(t, 4, [2])
    ch.receive(frame(1))
    ch.receive(frame(4))
    await until(() => got.length === 3)
    assert.deepEqual(got, [1, 3, 4])
  })

  it('fills every gap up to the newest waiting frame in one read, not one gap per round', async (t) => {
    const { ch, got } = channel(t, 9)
    const reads: Array<[number, number]> = []
    const load = (ch as unknown as { load: LoadFrames }).load
    ;(ch as unknown as { load: LoadFrames }).load = (room, after, before) => {
      reads.push([after, before])
      return load(room, after, before)
    }
    // This node's own frames (3, 6, 9) while the bus is down: the others' (1, 2, 4, 5, 7, 8) never come.
    for (const s of [3, 6, 9]) ch.receive(frame(s))
    await until(() => got.length === 9)
    assert.deepEqual(got, [1, 2, 3, 4, 5, 6, 7, 8, 9])
    assert.deepEqual(reads, [[0, 9]], 'one read, from the last delivered to the newest waiting')
  })

  it('while the bus is down, reads a gap once however many frames arrive during the read', async (t) => {
    const got: number[] = []
    const reads: Array<[number, number]> = []
    const load: LoadFrames = async (_room, after, before) => {
      reads.push([after, before])
      await new Promise((r) => setTimeout(r, 50))
      const frames: Frame[] = []
      for (let s = after + 1; s < before; s++) frames.push(frame(s))
      return { frames, through: before - 1, more: false }
    }
    const busDown = () => true
    const ch = new RoomChannel(1, 0, load, pino({ level: 'silent' }), undefined, false, busDown)
    t.after(() => ch.close())
    const deliver = (f: OutFrame) => got.push(f.seq)
    ch.clients.add({ deliver, deliverMany: (fs: OutFrame[]) => fs.forEach(deliver) } as unknown as Client)
    // Frame 3 comes with 1 and 2 missing; 4..12 keep coming, a few ms apart, while 1..2 are being read.
    ch.receive(frame(3))
    for (let s = 4; s <= 12; s++) {
      await new Promise((r) => setTimeout(r, 3))
      ch.receive(frame(s))
    }
    await until(() => got.length === 12)
    assert.deepEqual(
      got,
      Array.from({ length: 12 }, (_, i) => i + 1),
    )
    assert.deepEqual(reads, [[0, 3]], 'one read of the gap, not one per frame that arrived meanwhile')
  })

  it('catches up from the database after the bus lost frames (resync)', async (t) => {
    const { ch, got } = channel(t, 700)
    await ch.resync()
    assert.deepEqual(
      got,
      Array.from({ length: 700 }, (_, i) => i + 1),
    )
  })
})

describe('a room channel under load', () => {
  it('sends the frames of one turn, or of one flush gap, to each socket as one message, built once', async (t) => {
    const sends: Array<{ seqs: number[]; combined: Buffer | undefined }> = []
    const ch = new RoomChannel(
      1,
      0,
      async () => ({ frames: [], through: 0, more: false }),
      pino({ level: 'silent' }),
      undefined,
      true,
    )
    t.after(() => ch.close())
    const client = (name: string) =>
      ({
        deliverMany: (fs: OutFrame[], combined?: Buffer) =>
          sends.push({ seqs: fs.map((f) => f.seq), combined }),
        name,
      }) as unknown as Client
    ch.clients.add(client('a'))
    ch.clients.add(client('b'))
    for (const s of [1, 2, 3]) ch.receive(frame(s))
    assert.equal(sends.length, 0, 'nothing before the turn ends')
    await new Promise((r) => setImmediate(r))
    assert.equal(sends.length, 2, 'one send per socket')
    assert.deepEqual(sends[0]?.seqs, [1, 2, 3])
    assert.equal(sends[0]?.combined?.toString(), '<p>1</p><p>2</p><p>3</p>')
    assert.equal(sends[0]?.combined, sends[1]?.combined, 'the same bytes for every socket')
    // Within FLUSH_GAP_MS of that write, the next frames wait for the gap to end and go together.
    ch.receive(frame(4))
    await new Promise((r) => setImmediate(r))
    assert.equal(sends.length, 2, 'a frame right after a write waits for the gap')
    ch.receive(frame(5))
    await new Promise((r) => setTimeout(r, FLUSH_GAP_MS + 5))
    assert.equal(sends.length, 4)
    assert.deepEqual(sends[2]?.seqs, [4, 5])
    assert.equal(sends[2]?.combined?.toString(), '<p>4</p><p>5</p>')
    // A quiet room's frame (the last write longer than the gap ago) goes at the end of its turn.
    await new Promise((r) => setTimeout(r, FLUSH_GAP_MS + 5))
    ch.receive(frame(6))
    await new Promise((r) => setImmediate(r))
    assert.deepEqual(sends[4], { seqs: [6], combined: undefined }, 'a lone frame goes as it is')
  })

  it('never combines frames past MAX_MESSAGE_BYTES into one message', async (t) => {
    const sends: Array<{ seqs: number[]; bytes: number }> = []
    const ch = new RoomChannel(
      1,
      0,
      async () => ({ frames: [], through: 0, more: false }),
      pino({ level: 'silent' }),
      undefined,
      true,
    )
    t.after(() => ch.close())
    ch.clients.add({
      pieceBytes: MAX_MESSAGE_BYTES,
      deliverMany: (fs: OutFrame[], combined?: Buffer) =>
        sends.push({ seqs: fs.map((f) => f.seq), bytes: combined?.length ?? fs[0]?.data.length ?? 0 }),
    } as unknown as Client)
    const big = (seq: number): Frame => ({ seq, html: 'x'.repeat(MAX_MESSAGE_BYTES * 0.45) })
    for (const s of [1, 2, 3, 4, 5]) ch.receive(big(s))
    await new Promise((r) => setImmediate(r))
    assert.deepEqual(
      sends.map((x) => x.seqs),
      [[1, 2], [3, 4], [5]],
    )
    for (const x of sends) assert.ok(x.bytes <= MAX_MESSAGE_BYTES)
  })
})
