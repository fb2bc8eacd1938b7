import type { Client } from '../socket/client.ts'

/** One sidebar entry of one socket: its counts, and the room's counters when they were last folded in. */
export interface SideEntry {
  unread: number
  mentions: number
  seen: number
  own: number
  mentioned: number
}

export type SideState = Map<number, SideEntry>

/**
 * Each page's sidebar counts, from its resume on (kept live by UnreadLive, checked by SideAccess). The live
 * features own this, not the connection: a socket that never resumed has none, and it goes with the socket.
 */
const states = new WeakMap<Client, SideState>()

export function sideOf(client: Client | undefined): SideState | undefined {
  return client && states.get(client)
}

export function startSide(client: Client, state: SideState): void {
  states.set(client, state)
}
