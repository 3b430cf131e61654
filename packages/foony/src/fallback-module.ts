import type { TransportFactory } from '@polysocket/core';

/** What the client hands its `fallback` module: the module decides which transport each attempt uses. */
export interface FallbackContext {
  /** The client's `url`. */
  readonly url: string;
  /** The client's WebSocket transport (or its `transport` option). */
  readonly webSocket: TransportFactory;
  /** The client's `maxFrameSize`, if set. */
  readonly maxFrameSize: number | undefined;
  /** Drops the session and reconnects (it resumes by serial and connectionId). */
  reconnect(reason: string): void;
}

/**
 * Module for `FoonyClient`'s `fallback` option: `foonyLongPoll` (HTTP long-poll where WebSockets are blocked). It
 * is called once per client with the client's context and returns the client's transport factory.
 */
export type FoonyFallback = (context: FallbackContext) => TransportFactory;
