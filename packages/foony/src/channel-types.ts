import type { Connection, CursorStore, PolySocketError, RequestId, RequestOptions } from '@polysocket/core';
import type { ChannelCiphers } from './binary/cipher';
import type { BinaryClientFrame, BinaryMessage } from './binary/frames';
import type { FoonyConnectOptions } from './client';
import type { ClientFrame, MessageFrame, ServerFrame } from './wire';
import type { FoonyWire } from './wire-module';

// What a channel is to the app (its messages, states, events, publish options) and to its client (the host).

/**
 * A message as the app receives it: the wire frame itself (no copy on the hot path). On the binary wire it also
 * has the channel's serial (`seq`), the publisher's `encoding` and `ephemeral` where they apply.
 */
export type FoonyMessage = MessageFrame & Pick<BinaryMessage, 'seq' | 'encoding' | 'ephemeral'>;
export type MessageListener = (message: FoonyMessage) => void;

/** One message of `publishBatch`. */
export interface BatchMessage {
  readonly name: string;
  readonly data?: unknown;
}

/** `retrying`: a subscribe failed for a reason that may pass (rate limit, server error, timeout); it is tried again after a backoff. */
export type ChannelState = 'detached' | 'attaching' | 'attached' | 'retrying' | 'failed';

export type ChannelEvents = {
  state: [state: ChannelState, previous: ChannelState];
  error: [error: PolySocketError];
  /**
   * Binary wire: messages were missed and cannot be delivered — serials after `after` (and before `before`, when
   * known) — because the service no longer keeps them (a resume or gap fill past its retention). Fetch
   * `history()` or reload the state it describes.
   */
  discontinuity: [gap: { after: number; before?: number }];
};

export interface PublishOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Resend after a reconnect if the link dropped before the ack (at-least-once: the seed wire has
   * no publish id, so the server may store it twice). Default: the client's `publishResend` option.
   */
  resendSafe?: boolean;
  /** Binary wire: delivered live only, neither stored nor replayed (no serial). Ignored on the seed wire. */
  ephemeral?: boolean;
}

export type Request = <R extends ServerFrame>(
  build: (id: RequestId) => ClientFrame,
  options?: RequestOptions,
) => Promise<R>;

/** A channel frame before the channel adds its name and the request id (either wire's). */
export type ChannelFrame = { t: ClientFrame['t'] | BinaryClientFrame['t'] } & Record<string, unknown>;

/** What a channel needs from its client. */
export interface ChannelHost {
  /** The client's connection: requests through the outbox, `isConnected`, `cannotSend()`, error reports. */
  readonly connection: Pick<
    Connection<ClientFrame, ServerFrame>,
    'request' | 'isConnected' | 'cannotSend' | 'report' | 'reportListenerError'
  >;
  readonly session: number;
  readonly cursors: CursorStore;
  /** With the `cipher` module: each channel's cipher (undefined for a channel it leaves in plaintext). */
  readonly cipher?: ChannelCiphers;
  /** The client's wire (the `wire` option, or the binary records). */
  readonly wire: FoonyWire;
  readonly options: Pick<FoonyConnectOptions, 'publishResend' | 'presence' | 'backoff' | 'random'>;
}
