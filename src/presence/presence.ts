/**
 * Who has a page of a room open, across every node. Each node states its own people per room; an entry not
 * refreshed within TTL_MS is gone (its node died). Names, sorted, is what every page shows.
 */
export interface PresenceStore {
  /** This node's people in the room, now (replaces what it said before). */
  put(roomId: number, names: string[]): Promise<void>
  /** Everyone present in the room on any node, each name once, sorted. */
  list(roomId: number): Promise<string[]>
  close(): Promise<void>
}

export const PRESENCE_TTL_MS = 60_000

export function distinctSorted(names: Iterable<string>): string[] {
  return [...new Set(names)].sort((a, b) => a.localeCompare(b))
}
