import { USERNAME_RE } from '../mentions.ts'
/**
 * What travels on the bus, as plain data. Defined here, beside the wire that carries it, so that bus/ needs
 * nothing from realtime/ (which imports these): the shapes are the contract between two nodes, whatever
 * release each runs.
 */

/** A room's frame: its seq (0: outside the message order) and its HTML, as every node hands it to its sockets. */
export interface Frame {
  seq: number
  html: string
  /** When its message was stored (ms since the epoch), for the delivery-lag metric. */
  at?: number | undefined
}

/** Someone started or stopped typing in a room: on the room's topic, never stored, shown for a few seconds. */
export interface TypingSignal {
  userId: number
  name: string
  typing: boolean
}

/** Node-to-node notices on the control topic: sockets to close or recheck, badges to clear. */
export type Control =
  | { kind: 'session-ended'; hash: string }
  | { kind: 'user-ended'; id: number }
  | { kind: 'room-deleted'; id: number }
  | { kind: 'room-access'; id: number }
  | { kind: 'user-access'; id: number }
  | { kind: 'read'; id: number; roomId: number }

/**
 * A message in any room, in short, as the activity topic carries it. The seq lets a node count a message
 * announced twice once; without one (an older node's) it is counted as it comes.
 */
export interface Activity {
  roomId: number
  authorId: number
  /** Lower-cased names mentioned, the author's own left out. */
  mentioned: string[]
  seq?: number | undefined
}

/**
 * What a room's topic carries: a frame for everyone in the room; a private room's new head (#room-head and
 * <title>), which each node sends only to the sockets the database still lets read the room, closing the
 * others (a node that cannot tell it from a frame must drop it, never show it to everyone); a typing signal.
 */
export type RoomPayload =
  | { kind: 'frame'; frame: Frame }
  | { kind: 'head'; html: string }
  | { kind: 'typing'; signal: TypingSignal }

/** The versions this release can write: its own, and the last release's for a rolling upgrade from it. */
export type WireVersion = 0 | 1

/** The encoders of one version, chosen once at start (BUS_WIRE_VERSION) and handed to whatever publishes. */
export interface WireWriter {
  /** A room's frame: once per message, on every message's hot path. */
  frame(frame: Frame): string
  /** A private room's head: see RoomPayload. */
  privateHead(html: string): string
  typing(signal: TypingSignal): string
  control(notice: Control): string
  activity(activity: Activity): string
}

/** Why a payload was dropped: garbled, from a newer release, or of a kind this release does not know. */
export type DropReason = 'malformed' | 'newer-version' | 'unknown-kind'

/** Told once per dropped payload, with what was wrong (the version, the kind, or what failed to parse). */
export type OnDrop = (reason: DropReason, detail: string) => void

/** A user name, as typing signals and mentions carry it: the one username rule (src/mentions.ts). */
export const NAME = USERNAME_RE
export const CONTROL_KINDS = [
  'session-ended',
  'user-ended',
  'room-deleted',
  'room-access',
  'user-access',
  'read',
] as const satisfies ReadonlyArray<Control['kind']>
