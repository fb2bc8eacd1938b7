/**
 * Where an unread count stops being exact: the sidebar counts at most this many per room (store/reads.repo.ts,
 * so a count costs O(rooms × cap), never O(history)), and a badge at or above it reads "999+" (render/), live
 * badges included (they add up from a capped count). Top level and import-free, like mentions.ts: store/ and
 * render/ both need it.
 */
export const UNREAD_CAP = 1000

/** A count as a badge shows it: exact below the cap, "999+" from there. */
export function countLabel(n: number): string {
  return n >= UNREAD_CAP ? `${UNREAD_CAP - 1}+` : String(n)
}
