import type { BackoffOptions } from './backoff';
import type { BrowserHooksOptions } from './browser-hooks';
import type { PolySocketError } from './errors';
import type { Logger } from './logger';
import type { Gate, OutboxOptions } from './outbox';
import type { Protocol } from './protocol';
import type { CloseInfo, TransportFactory } from './transport';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed' | 'failed';

export interface DisconnectEvent extends CloseInfo {
  /** False when the client is now `closed` or `failed`. */
  willReconnect: boolean;
  error?: PolySocketError;
}

export interface ReconnectingEvent {
  /** 1 for the first retry after a stable session; grows until a session stays up for `minUptimeMs`. */
  attempt: number;
  delayMs: number;
  /** Why the link dropped or the last attempt failed (ECONNREFUSED, HTTP 503, a timeout...), when known. */
  error?: PolySocketError;
}

export type ConnectionEvents<Info> = {
  state: [state: ConnectionState, previous: ConnectionState];
  connected: [info: Info];
  disconnected: [event: DisconnectEvent];
  reconnecting: [event: ReconnectingEvent];
  error: [error: PolySocketError];
  rtt: [ms: number];
};

/**
 * The lifecycle events every client has under these names, with these payloads (`on('state', …)` on a Foony,
 * Ignis, Socket.IO or Sockr client alike). `rtt` fires only where the protocol measures a round trip.
 */
export type LifecycleEventName = keyof ConnectionEvents<unknown>;

/** The names of `LifecycleEventName`, for adapters that route them apart from their app events. */
export const LIFECYCLE_EVENTS: ReadonlySet<string> = /* @__PURE__ */ new Set<LifecycleEventName>([
  'state',
  'connected',
  'disconnected',
  'reconnecting',
  'error',
  'rtt',
]);

/**
 * What every PolySocket client is, whatever its protocol: a client of any adapter (or of `createClient`, whose
 * protocol is only known at run time) can be handled as one through this type.
 */
export interface LifecycleClient<Info = unknown> {
  readonly state: ConnectionState;
  connect(): Promise<void>;
  close(): void;
  on<E extends LifecycleEventName>(event: E, listener: (...args: ConnectionEvents<Info>[E]) => void): this;
  once<E extends LifecycleEventName>(event: E, listener: (...args: ConnectionEvents<Info>[E]) => void): this;
  off<E extends LifecycleEventName>(event: E, listener?: (...args: ConnectionEvents<Info>[E]) => void): this;
}

/**
 * `unknown` for an event name that is not one of `Names`, a type no string has for one that is: a parameter
 * typed `E & NotOneOf<E, Reserved>` refuses a reserved literal at compile time (the error says it is not
 * assignable to `{ readonly 'reserved event name': "connect" }`) and still takes any other name
 * (a `string` variable included; the runtime check catches that one).
 */
export type NotOneOf<E, Names> = E extends Names ? { readonly 'reserved event name': E } : unknown;

export interface ConnectionOptions<Out, In, Info> {
  protocol: Protocol<Out, In, Info>;
  /** Makes a fresh transport for each attempt. */
  transport: TransportFactory;
  /** Reconnect after a drop. Default true. */
  reconnect?: boolean;
  backoff?: BackoffOptions;
  /** Give up (state `failed`) after this many consecutive failed attempts. Default: never. */
  maxAttempts?: number;
  /** A session must stay up this long before the attempt counter resets. Default 5000 ms. */
  minUptimeMs?: number;
  /** Limit for opening the transport plus the handshake, per attempt. Default 10 000 ms (the adapter may say otherwise). */
  connectTimeoutMs?: number;
  /**
   * How long a `connect()` call waits for the client to be connected. Past it the promise rejects with
   * TIMEOUT, the last attempt's error as its cause, while the client keeps trying in the background (its
   * `state`, `error` and `reconnecting` events go on; `close()` stops it). Default 20 000 ms; `Infinity`
   * waits until connected, `failed` or `closed`.
   */
  connectWaitMs?: number;
  /** Default timeout of `request()`. Default 10 000 ms. */
  requestTimeoutMs?: number;
  outbox?: OutboxOptions;
  logger?: Logger;
  /** Source of randomness for the backoff jitter; injectable for tests. */
  random?: () => number;
  /** Where to listen for the browser's network and page lifecycle events; defaults to the window/document. In Node: none. */
  browser?: BrowserHooksOptions;
  /**
   * Inbound messages longer than this (UTF-16 code units for text, bytes for binary) are not decoded: each is
   * one PROTOCOL error and is dropped, so a hostile or broken server cannot make the client parse without
   * bound. Default 16 MiB.
   */
  maxFrameSize?: number;
  /**
   * The largest message the client writes (UTF-8 bytes for text, bytes for binary). A send or request over
   * it is refused with TOO_LARGE (and an `error` event) instead of being written: servers close the link on
   * an oversized frame and the message would be lost. Default: the adapter's (the server's usual limit); a
   * limit the server announces in its handshake lowers it.
   */
  maxMessageSize?: number;
}

/** The connection options an adapter passes through from its own options unchanged. */
export type ConnectionTuning = Pick<
  ConnectionOptions<unknown, unknown, unknown>,
  | 'reconnect'
  | 'backoff'
  | 'maxAttempts'
  | 'minUptimeMs'
  | 'connectTimeoutMs'
  | 'connectWaitMs'
  | 'requestTimeoutMs'
  | 'outbox'
  | 'logger'
  | 'random'
  | 'browser'
  | 'maxFrameSize'
  | 'maxMessageSize'
>;

export interface SendOptions {
  /** Drop instead of queueing when not connected. */
  volatile?: boolean;
  /** While queued, expire after this many ms (rejecting with TIMEOUT). */
  ttlMs?: number;
  /** Hold the send (in order, in the outbox) until this says it may go; see `Gate`. */
  gate?: Gate;
}
