import { distinctSorted, type PresenceStore } from './presence.ts'

/** The single-node presence: this process's own people are everyone. */
export function memoryPresence(): PresenceStore {
  const rooms = new Map<number, string[]>()
  return {
    async put(roomId, names) {
      if (names.length > 0) rooms.set(roomId, names)
      else rooms.delete(roomId)
    },
    async list(roomId) {
      return distinctSorted(rooms.get(roomId) ?? [])
    },
    async close() {
      rooms.clear()
    },
  }
}
