import type { EncodedFrame, TransportData } from '@polysocket/core';
import type { ChannelHost, FoonyChannel, PublishOptions, Request } from './channel';
import type { ClientFrame, MessageFrame, ServerFrame } from './wire';

/**
 * The wire a `FoonyClient` speaks, for its `wire` option. Without one it speaks the seed's JSON frames; with
 * `foonyBinaryWire` the binary records of the Foony service today. Its members are internal.
 */
export interface FoonyWire {
  /** @internal */
  encode(frame: ClientFrame): EncodedFrame;
  /** @internal */
  decode(data: TransportData, emit: (frame: ServerFrame) => void): void;
  /** @internal Binary records (what long-poll carries). */
  readonly binary: boolean;
  /** @internal The auth frame carries the previous session's connectionId (presence survives a short drop). */
  readonly resumesConnection: boolean;
  /** @internal What differs per channel between the wires: cursors, order, the subscribe and publish frames. */
  stream(channel: FoonyChannel, host: ChannelHost): WireStream;
}

/** @internal A `pub` before the wire adds its fields and the channel its name and request id. */
export interface PublishFrame {
  readonly t: 'pub';
  readonly name: string;
  readonly data: unknown;
}

/** @internal One channel's side of a wire other than the seed's. */
export interface WireStream {
  /** Subscribes (with the resume cursor, and presence where it is opt-in); resolves once acknowledged. */
  subscribe(request: Request | undefined, presence: boolean): Promise<unknown>;
  /** A `msg` of this channel: its messages reach `channel.deliverMessage` in order. */
  message(frame: MessageFrame): void;
  /** Sends a `pub` (with what the wire adds: a client message id, reused on every resend, makes resending safe). */
  publish(frame: PublishFrame, options: PublishOptions): Promise<unknown>;
  /** A history page's messages as the app gets them (the cipher opens their data). */
  page(messages: readonly MessageFrame[]): readonly MessageFrame[] | Promise<readonly MessageFrame[]>;
  /** The channel was unsubscribed: its cursor and order start again. */
  forget(): void;
}
