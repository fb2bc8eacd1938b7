/** Fan-out between nodes: at most once, in publish order per topic. Postgres stays the truth. */
export type BusHandler = (payload: string) => void

export interface Bus {
  readonly kind: 'redis' | 'memory'
  publish(topic: string, payload: string): Promise<void>
  /** Starts delivering a topic's payloads to `handler` (one handler per topic on a node). */
  subscribe(topic: string, handler: BusHandler): Promise<void>
  unsubscribe(topic: string): Promise<void>
  healthy(): boolean
  /** Called when the bus is back after an outage: whatever was published meanwhile is lost and must be repaired. */
  onReconnect(listener: () => void): void
  close(): Promise<void>
}

/** Topic names: one channel per room, under a prefix so several installs can share a Redis. */
export function roomTopic(prefix: string, roomId: number): string {
  return `${prefix}room:${roomId}`
}

/** Node-to-node notices that are not about one room (a session ended). */
export function controlTopic(prefix: string): string {
  return `${prefix}control`
}

/** Every message of every room, in short (room, author, mentions): what keeps sidebars' unread counts live. */
export function activityTopic(prefix: string): string {
  return `${prefix}activity`
}
