import type { Client, OutFrame } from './client.ts'

/**
 * Sends a reconnected socket its catch-up, piece by piece as the socket drains (each piece well under the
 * unsent-bytes limit, so the server never cuts its own catch-up), then the live frames held meanwhile that
 * are newer than `seq`, in order, and only then lets it go live.
 */
export async function replayTo(client: Client, pieces: Iterable<string>, seq: number): Promise<void> {
  for (const piece of pieces) if (!(await client.sendDrained(piece))) return
  client.lastSeq = Math.max(client.lastSeq, seq)
  for (;;) {
    const held = client.takeHeld()
    // Nothing new arrived while the last piece went out: live from here (no await in between).
    if (held.length === 0) return client.goLive(client.lastSeq)
    for (const piece of packHeld(held, client.pieceBytes)) if (!(await client.sendDrained(piece))) return
  }
}

/** Held frames, several to a message as the room writer sends them, each message within `maxBytes`. */
function* packHeld(frames: OutFrame[], maxBytes: number): Generator<Buffer> {
  let batch: Buffer[] = []
  let bytes = 0
  for (const f of frames) {
    if (batch.length > 0 && bytes + f.data.length > maxBytes) {
      yield Buffer.concat(batch)
      batch = []
      bytes = 0
    }
    batch.push(f.data)
    bytes += f.data.length
  }
  if (batch.length > 0) yield Buffer.concat(batch)
}
