/** Node-to-node notices on the control topic: sockets to close, everywhere, because of a change in the store. */
export type Control =
  | { kind: 'session-ended'; hash: string }
  | { kind: 'user-ended'; id: number }
  | { kind: 'room-deleted'; id: number }
  | { kind: 'room-access'; id: number }
  | { kind: 'user-access'; id: number }
  | { kind: 'read'; id: number; roomId: number }

export function encodeControl(c: Control): string {
  if (c.kind === 'read') return `read ${c.id} ${c.roomId}`
  return `${c.kind} ${c.kind === 'session-ended' ? c.hash : c.id}`
}

export function decodeControl(payload: string): Control | undefined {
  const [kind, arg = '', arg2 = ''] = payload.split(' ')
  if (kind === 'read') {
    const [id, roomId] = [Number(arg), Number(arg2)]
    return Number.isSafeInteger(id) && id > 0 && Number.isSafeInteger(roomId) && roomId > 0
      ? { kind, id, roomId }
      : undefined
  }
  if (kind === 'session-ended') return /^[0-9a-f]{64}$/.test(arg) ? { kind, hash: arg } : undefined
  const id = Number(arg)
  if (!Number.isSafeInteger(id) || id < 1) return undefined
  if (kind === 'user-ended' || kind === 'room-deleted' || kind === 'room-access' || kind === 'user-access')
    return { kind, id }
  return undefined
}
