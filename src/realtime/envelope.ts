/**
 * What travels on the bus for a room: the frame's seq, a newline, the frame's HTML. The seq lets every node
 * deliver in order and repair gaps; 0 marks a frame outside the message order.
 */
export interface Frame {
  seq: number
  html: string
}

export function encodeFrame(frame: Frame): string {
  return `${frame.seq}\n${frame.html}`
}

export function decodeFrame(payload: string): Frame | undefined {
  const nl = payload.indexOf('\n')
  const seq = Number(payload.slice(0, nl))
  if (nl < 1 || !Number.isSafeInteger(seq) || seq < 0) return undefined
  return { seq, html: payload.slice(nl + 1) }
}
