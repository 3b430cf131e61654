import type { Connection, TransportFactory } from '@polysocket/core';
import type { FoonyConnectOptions } from './client';

/**
 * What the client hands its `fallback` module (the client's own link): its options (url, wire, WebSocket,
 * transport, maxFrameSize) and its connection (to move a session with a reconnect).
 */
export interface FallbackContext {
  readonly options: FoonyConnectOptions;
  readonly connection: Pick<Connection<never, never, unknown>, 'reconnect'>;
}

/**
 * Module for `FoonyClient`'s `fallback` option: `foonyLongPoll` (HTTP long-poll where WebSockets are blocked). It
 * is called once per client with the client's context and returns the client's transport factory.
 */
export type FoonyFallback = (context: FallbackContext) => TransportFactory;
