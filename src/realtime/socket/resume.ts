import { catchUp } from '../../chat/catch-up.ts'
import { reloadPieces, replayPieces } from '../../render/catch-up-frames.ts'
import { renderNoticeFrame } from '../../render/frames.ts'
import { pageView } from '../../render/view-models.ts'
import type { RealtimeDeps } from '../deps.ts'
import type { Client } from './client.ts'
import { replayTo } from './replay.ts'

/** The sockets whose page has said what it has: one resume per socket. */
const resumed = new WeakSet<Client>()

export function hasResumed(client: Client): boolean {
  return resumed.has(client)
}

/**
 * The page says the last seq it has: it is sent what it missed (the events, or a fresh page when too much
 * is missing), then goes live. False if this socket has resumed already: htmx opens a new socket for every
 * reconnect, so more would only be free database reads.
 */
export async function resume(deps: RealtimeDeps, client: Client, lastSeq: number): Promise<boolean> {
  if (resumed.has(client)) {
    client.send(renderNoticeFrame('That frame was refused: this socket has resumed already.'))
    return false
  }
  resumed.add(client)
  if (!client.held) client.held = []
  const missed = await catchUp(deps.db, client.room, lastSeq)
  const size = client.pieceBytes
  const pieces =
    missed.kind === 'reload'
      ? reloadPieces(pageView(missed.room, missed.page), missed.lastSeq, size)
      : missed.lastSeq > lastSeq
        ? replayPieces(missed.events, missed.lastSeq, size)
        : []
  await replayTo(client, pieces, missed.lastSeq)
  return true
}
