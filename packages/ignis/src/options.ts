import type {
  Connection,
  ConnectionEvents,
  ConnectionTuning,
  RequestId,
  RequestOptions,
  TransportFactory,
  WebSocketConstructor,
} from '@polysocket/core';
import type { IgnisEnvelope } from './envelope';

export type AuthPayload = Record<string, unknown>;

export interface IgnisClientOptions extends ConnectionTuning {
  /** The helper's endpoint, e.g. `ws://127.0.0.1:3000/ws`. */
  url: string;
  /** The `authenticate` payload, as the server app defines it (e.g. `{ token }`). */
  auth?: AuthPayload;
  /** Produces the payload on every connect; `reauth` is true after the server refused the last one. */
  authProvider?: (context: { reauth: boolean }) => AuthPayload | Promise<AuthPayload>;
  /** How long `authProvider` may take. Default 5000 ms (the server's auth timer is 5 s). */
  authTimeoutMs?: number;
  /** Rooms to join on every connect. */
  rooms?: string[];
  /** `{event:'heartbeat'}` every this many ms; the server closes silent clients (4002). Default 30 000; 0 turns it off. */
  heartbeatIntervalMs?: number;
  /**
   * Where the runtime can send WebSocket pings (Node), a server that does not answer one within this
   * is dead. The Ignis protocol itself never answers, so browsers rely on close events. Default 10 000 ms.
   */
  deadServerTimeoutMs?: number;
  /**
   * ECDH P-256 + HKDF-SHA-256 + AES-256-GCM, as the Ignis crypto helper does it: `encryption: ignisEncryption()`
   * (or `ignisEncryption({ sealOutbound: true, ... })`), imported from '@polysocket/ignis'. Without it no
   * encryption code is in the app's bundle.
   */
  encryption?: IgnisEncryption;
  /**
   * The server's inbound frame limit (the helper's `maxPayloadLength`), in UTF-8 bytes: larger sends are refused
   * with TOO_LARGE. The Ignis name of the core's `maxMessageSize`; when both are given `maxMessageSize` wins.
   * Default 131 072.
   */
  maxPayloadBytes?: number;
  /**
   * Where the app's server puts the request id in its replies. Default: the top-level `id` it echoed.
   * Return the id the request was sent with (a string), or undefined for frames that are not replies.
   */
  replyId?: (frame: IgnisEnvelope) => string | number | undefined;
  WebSocket?: WebSocketConstructor;
  transport?: TransportFactory;
  /** Refuse `ws://` to a non-loopback host: the client fails (INVALID) instead of sending credentials in clear. */
  secureOnly?: boolean;
}

/** What an Ignis session is, from its `connected` frame. */
export interface IgnisSession {
  /** The server-assigned id of this connection (new on every connection). */
  clientId: string;
  /** The stable identity, when the server app returned one. */
  userId?: string;
  /** The server's clock at `connected` (ISO string); the local clock when the frame had no time Date can read. */
  serverTime: string;
  /** Server clock minus local clock, in ms (about; includes half a round trip). */
  clockSkewMs: number;
  encrypted: boolean;
}

export type IgnisLifecycleEvents = ConnectionEvents<IgnisSession>;
export type AppListener<Data = unknown> = (data: Data, envelope: IgnisEnvelope<Data>) => void;
export type AnyListener = (event: string, data: unknown, envelope: IgnisEnvelope) => void;

/** An Ignis client's connection. */
export type IgnisConnection = Connection<string, IgnisEnvelope, IgnisSession>;

/** What `ignisEncryption()` returns: pass it as the `encryption` option. */
export interface IgnisEncryption {
  /** Makes one client's encrypted side (called by the client, once). */
  attach(connection: IgnisConnection): IgnisSecureSide;
}

/** One client's encrypted side, as the client uses it (the encryption module implements it). */
export interface IgnisSecureSide {
  /** A handshake starts, or the client ended: the old key is gone. */
  reset(): void;
  /** Makes this connection's key pair and puts its public key in the `authenticate` payload. */
  begin(payload: AuthPayload): Promise<void>;
  /** `connected` arrived: derives this connection's key from its `serverPublicKey` and `salt`. */
  established(data: { serverPublicKey?: unknown; salt?: unknown }): Promise<void>;
  /** A plaintext app frame on an encrypted session (not out of an `encrypted` one). */
  isDowngrade(frame: IgnisEnvelope): boolean;
  /** Takes an inbound frame that is its business (`encrypted`, a downgrade); false for the others. */
  take(frame: IgnisEnvelope): boolean;
  /** An app send (sealed if `sealOutbound`), as the core's `send`. */
  send(text: string): Promise<boolean>;
  /** A request (sealed if `sealOutbound`), as the core's `request`. */
  request(build: (id: RequestId) => string, options: RequestOptions): Promise<IgnisEnvelope>;
}
