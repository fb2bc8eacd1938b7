import type { TypingSignal } from '../../bus/wire.ts'
import type { Clock } from '../../clock.ts'
import type { Client } from '../socket/client.ts'

/** How long "is typing" lasts after the last signal; pages send one at most every 2 s while typing. */
export const TYPING_TTL_MS = 5_000
export const TYPING_EVERY_MS = 2_000

type Render = (names: string[]) => string

/** When each page last said its person is typing: a signal goes out on a change, or every TYPING_EVERY_MS. */
export class TypingThrottle {
  private readonly typedAt = new WeakMap<Client, number>()

  constructor(private readonly clock: Clock) {}

  /** Whether `on` (typing) or off (sent, stopped) is news for the room, and remembers it if so. */
  changed(client: Client, on: boolean): boolean {
    const now = this.clock.now()
    const last = this.typedAt.get(client) ?? 0
    if (on && now - last < TYPING_EVERY_MS) return false
    if (!on && last === 0) return false
    this.typedAt.set(client, on ? now : 0)
    return true
  }
}

/**
 * Who is typing in each room, as this node heard it on the rooms' topics. Every change re-renders "… is
 * typing" for the room's local sockets: the same frame for everyone but the typists, who are not told of
 * themselves. Nothing is stored.
 */
export class TypingLive {
  private readonly rooms = new Map<number, Map<number, { name: string; cancel: () => void }>>()

  constructor(
    private readonly clientsOf: (roomId: number) => Iterable<Client>,
    private readonly render: Render,
    private readonly clock: Clock,
  ) {}

  onSignal(roomId: number, s: TypingSignal): void {
    let typists = this.rooms.get(roomId)
    if (!typists) {
      typists = new Map()
      this.rooms.set(roomId, typists)
    }
    const had = typists.get(s.userId)
    had?.cancel()
    if (s.typing) {
      const cancel = this.clock.after(TYPING_TTL_MS, () => this.onSignal(roomId, { ...s, typing: false }))
      typists.set(s.userId, { name: s.name, cancel })
    } else typists.delete(s.userId)
    if (typists.size === 0) this.rooms.delete(roomId)
    if (Boolean(had) !== s.typing) this.show(roomId)
  }

  private show(roomId: number): void {
    const typists = this.rooms.get(roomId) ?? new Map()
    const cache = new Map<string, string>()
    for (const client of this.clientsOf(roomId)) {
      const names = [...typists].filter(([id]) => id !== client.user.id).map(([, t]) => t.name)
      const key = names.join('\n')
      let html = cache.get(key)
      if (html === undefined) {
        html = this.render(names)
        cache.set(key, html)
      }
      client.send(html)
    }
  }

  close(): void {
    for (const typists of this.rooms.values()) for (const t of typists.values()) t.cancel()
    this.rooms.clear()
  }
}
