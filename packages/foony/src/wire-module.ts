import type { EncodedFrame, TransportData } from '@polysocket/core';
import type { BatchMessage, ChannelHost, FoonyChannel, PublishOptions, Request } from './channel';
import type { ClientFrame, MessageFrame, ServerFrame } from './wire';

/**
 * The wire a `FoonyClient` speaks, for its `wire` option. Without one it speaks the Foony service's binary
 * records (`foonyBinaryWire`); `foonySeedWire` is the seed's JSON frames. Its members are internal: the client and
 * its channels reach everything wire-specific through them.
 */
export interface FoonyWire {
  /** @internal */
  encode(frame: ClientFrame): EncodedFrame;
  /** @internal Frames to `emit`; a message of the other wire is an `err` frame (see `wrongWire`). */
  decode(data: TransportData, emit: (frame: ServerFrame) => void): void;
  /** @internal Binary records (what long-poll and encryption need). */
  readonly binary: boolean;
  /** @internal One channel's side of the wire: cursors, order, the subscribe, publish and history frames. */
  stream(channel: FoonyChannel, host: ChannelHost): WireStream;
}

/**
 * The `err` code of a frame that stands for a server of the other wire: fatal, never retried. Negative: the binary
 * records carry codes as unsigned varints, and no Foony code is negative, so no server's `err` can be mistaken for it.
 */
export const WRONG_WIRE = -1;

/**
 * @internal What a wire's decoder hands on for a server message of the other wire (a text frame on the binary
 * wire, binary records on the seed's): an `err` of code `WRONG_WIRE`, whose `message` says which wire to choose. The
 * handshake fails with it (no retry can help); in a session it is reported.
 */
export const wrongWire = (message: string): ServerFrame => ({ t: 'err', code: WRONG_WIRE, message });

/** @internal A `pub` before the wire adds its fields and the channel its name and request id. */
export interface PublishFrame {
  readonly t: 'pub';
  readonly name: string;
  readonly data: unknown;
  /** A batch (binary wire only): `name` and `data` are then empty. */
  readonly messages?: readonly BatchMessage[];
}

/** @internal One channel's side of a wire. */
export interface WireStream {
  /** The history cursor of this wire: `start` (a messageId, the seed's) or `before` (a serial). */
  readonly pager: 'start' | 'before';
  /** Subscribes (with the resume cursor, and presence where it is opt-in); resolves once acknowledged. */
  subscribe(request: Request | undefined, presence: boolean): Promise<unknown>;
  /** A `msg` of this channel: its messages reach `channel.deliverMessage` in order, once each. */
  message(frame: MessageFrame): void;
  /** Sends a `pub` (with what the wire adds: a client message id, reused on every resend, makes resending safe). */
  publish(frame: PublishFrame, options: PublishOptions): Promise<unknown>;
  /** A history page's messages as the app gets them (the cipher opens their data, a batch is its parts). */
  page(messages: readonly MessageFrame[]): readonly MessageFrame[] | Promise<readonly MessageFrame[]>;
  /** The channel was unsubscribed: its cursor and order start again. */
  forget(): void;
}
