/**
 * The frames of the Foony service's current wire (binary records, the service since 0.13; `@foony/realtime`
 * 0.16 speaks it), as the binary codec reads and writes them. Field meanings follow the seed's JSON frames
 * (`../wire.ts`), plus what the current wire adds: serials (`seq`, `lastSerial`, `before`, `fromSerial`),
 * `resumed`, client message ids, ephemeral publishes, batches, `encoding`, opt-in presence, `fetch`.
 *
 * A server message holds several records; a bundle record (several independent messages) is read as one
 * `msg` frame per member, so the codec's reader never hands a bundle on.
 */
import type {
  AckFrame,
  ConnectedFrame,
  ErrorFrame,
  MessageFrame,
  PongFrame,
  PresenceAction,
  PresenceEventFrame,
} from '../wire';

/** One payload of a client batch: the batch's messages share its id, publisher, time and serial. */
export interface BatchPart {
  readonly name: string;
  readonly data: unknown;
  /** How `data` is encoded (e.g. `cipher+aes-256-gcm/base64`); absent for plain JSON. */
  readonly encoding?: string;
}

// ---- client → server ----

export interface BinaryAuth {
  readonly t: 'auth';
  readonly token?: string;
  readonly key?: string;
  readonly clientId?: string;
  /** The previous session's connectionId: presence survives a short drop without leave/enter. */
  readonly resumeConnectionId?: string;
}
export interface BinarySubscribe {
  readonly t: 'sub';
  readonly id: number;
  readonly channel: string;
  /** Replay what came after this serial (0 or absent: live only). */
  readonly lastSerial?: number;
}
/** `unsub`, `presSub` (presence events are opt-in on this wire) and `presUnsub`. */
export interface BinaryChannelRequest {
  readonly t: 'unsub' | 'presSub' | 'presUnsub';
  readonly id: number;
  readonly channel: string;
}
export interface BinaryPublish {
  readonly t: 'pub';
  readonly id: number;
  readonly channel: string;
  readonly name: string;
  readonly data: unknown;
  readonly encoding?: string;
  /** Chosen by the client and reused on every resend: the server stores a resent publish once. */
  readonly messageId: string;
  /** Live only: neither stored nor replayed. */
  readonly ephemeral?: boolean;
  /** A batch: `name`/`data` are then empty. */
  readonly messages?: readonly BatchPart[];
}
export interface BinaryPresence {
  readonly t: 'pres';
  readonly id: number;
  readonly channel: string;
  readonly action: PresenceAction;
  readonly data?: unknown;
  readonly encoding?: string;
}
export interface BinaryHistory {
  readonly t: 'hist';
  readonly id: number;
  readonly channel: string;
  readonly limit?: number;
  /** Messages before this serial (exclusive), newest page first; 0 or absent: the latest. */
  readonly before?: number;
}
export interface BinaryFetch {
  readonly t: 'fetch';
  readonly id: number;
  readonly channel: string;
  /** The last serial the client has: the server answers with what follows it. */
  readonly fromSerial: number;
}
export interface BinaryPing {
  readonly t: 'ping';
}

export type BinaryClientFrame =
  | BinaryAuth
  | BinarySubscribe
  | BinaryChannelRequest
  | BinaryPublish
  | BinaryPresence
  | BinaryHistory
  | BinaryFetch
  | BinaryPing;

// ---- server → client ----

// Where a frame is the seed's with fields added, it extends the seed's type.
export type BinaryConnected = ConnectedFrame;
export interface BinaryAck extends AckFrame {
  /** For a publish: the serial the server gave it. */
  readonly seq?: number;
  /** For a `sub` with `lastSerial`: false when the cursor was past retention (messages were missed). */
  readonly resumed?: boolean;
}
export interface BinaryMessage extends MessageFrame {
  readonly encoding?: string;
  /** The channel's contiguous serial; absent for ephemeral or unsequenced messages. */
  readonly seq?: number;
  readonly ephemeral?: boolean;
  /** A client batch: one serial for every part; `name`/`data` are empty. */
  readonly messages?: readonly BatchPart[];
}
export interface BinaryPresenceEvent extends PresenceEventFrame {
  readonly encoding?: string;
}
/** `id`: the request it answers; absent for an error about the connection. */
export type BinaryError = ErrorFrame;
export type BinaryPong = PongFrame;
export interface BinaryHistoryResult {
  readonly t: 'histRes';
  readonly id: number;
  readonly channel: string;
  readonly messages: readonly BinaryMessage[];
  readonly more?: boolean;
}
export interface BinaryFetchResult {
  readonly t: 'fetchRes';
  readonly id: number;
  readonly channel: string;
  readonly messages: readonly BinaryMessage[];
  /** False when the serial asked for is past retention: the gap cannot be filled. */
  readonly resumed: boolean;
}

export type BinaryServerFrame =
  | BinaryConnected
  | BinaryAck
  | BinaryMessage
  | BinaryPresenceEvent
  | BinaryError
  | BinaryPong
  | BinaryHistoryResult
  | BinaryFetchResult;
