import type { ConnectionEvents, ConnectionTuning, WebSocketConstructor } from '@polysocket/core';
import type { EngineHandshake } from './engine';
import type { SocketIOPolling } from './polling';
import type { FetchLike } from './polling-transport';

/** The Engine.IO session. */
export type EngineSession = EngineHandshake;

/** The lifecycle events (the same names and payloads as every PolySocket client's), the session being Engine.IO's. */
export type SocketIOClientEvents = ConnectionEvents<EngineSession>;

export type TransportName = 'websocket' | 'polling';
export type AuthData = Record<string, unknown>;
/**
 * Static auth (a plain object), or a function called on every (re)connect of a namespace (returning it, or
 * passing it to `cb`) that must answer within `connectTimeoutMs`.
 */
export type AuthOption = AuthData | ((cb: (data: AuthData) => void) => AuthData | Promise<AuthData> | void);

export interface SocketIOClientOptions extends ConnectionTuning {
  /**
   * The server, e.g. `http://127.0.0.1:3000` (ws:// works too). Its path names the main namespace, as in
   * socket.io-client: `http://127.0.0.1:3000/admin` connects `/admin` (the Engine.IO endpoint is `path`).
   */
  url: string;
  /** Default `/socket.io/`. */
  path?: string;
  /**
   * Default `['websocket']`: WebSocket only (socket.io-client's default is `['polling', 'websocket']`).
   * With the `polling` module: `['polling', 'websocket']` polls first, then upgrades to a WebSocket (as
   * socket.io-client); `['polling']` polls only; `['websocket', 'polling']` tries a WebSocket and falls back
   * to polling when it cannot connect.
   */
  transports?: TransportName[];
  /** The long-polling module, needed by a `transports` with `'polling'`: `import { socketioPolling } from '@polysocket/socketio'`. */
  polling?: SocketIOPolling;
  /** The CONNECT payload of the main namespace (and of others unless they have their own). */
  auth?: AuthOption;
  /** Extra query parameters on the Engine.IO URL. */
  query?: Record<string, string>;
  /** Connect in the constructor. Default true, as socket.io-client. */
  autoConnect?: boolean;
  /** Default timeout of `emitWithAck` (10 s). */
  ackTimeoutMs?: number;
  /** The fetch long-polling uses (default: the global one). */
  fetch?: FetchLike;
  WebSocket?: WebSocketConstructor;
  /** Refuse `ws://` and `http://` to a non-loopback host: the client fails (INVALID) instead of sending auth in clear. */
  secureOnly?: boolean;
  /**
   * Runs after every (re)connect once the namespaces are connected, before queued emits are sent:
   * for protocols with their own login on top of Socket.IO (Sockr). A rejection fails the attempt:
   * with a non-retryable error the client ends `failed`, otherwise it reconnects with backoff.
   */
  onReady?: (context: ReadyContext) => Promise<void> | void;
  /** @internal The class the app constructed, named in INVALID messages (Sockr passes `'SockrClient'`). */
  clientName?: string;
}

/** Direct access to the main namespace during `onReady` (ahead of the outbox). */
export interface ReadyContext {
  /** Writes an event on the main namespace at once. */
  emit(event: string, ...args: unknown[]): void;
  /** The next arguments of any of `events` on the main namespace; rejects with TIMEOUT (its message ends with `hint`). */
  next(events: string[], timeoutMs: number, hint?: string): Promise<{ event: string; args: unknown[] }>;
  /** A session existed before (this is a reconnect). */
  reconnect: boolean;
  /** Aborted when the attempt ends before its session is ready (drop, close): hand it to `fetchCredentials`. */
  signal: AbortSignal;
}
