import type { ConnectionState } from './connection';
import type { PolySocketError } from './errors';
import type { HeartbeatPolicy } from './heartbeat';
import type { RequestId, RequestOptions } from './requests';
import type { CloseInfo, EncodedFrame, Transport, TransportData } from './transport';

/** What to do after the link closed: try again, try again with fresh credentials, or stop. */
export type CloseAction = 'reconnect' | 'reauth' | 'stop';

export interface CloseDecision {
  action: CloseAction;
  /** The error the client fails with (for `stop`) or reports (otherwise). */
  error?: PolySocketError;
}

export interface HandshakeContext<Out, In> {
  /** Writes a frame at once (handshake frames bypass the outbox). */
  send(frame: Out): void;
  /** The next inbound frame. Rejects with DISCONNECTED when the attempt ends first. */
  receive(): Promise<In>;
  /** Failed attempts since the last stable session (0 on a first try). */
  readonly attempt: number;
  /** A session was established before, since `connect()`. */
  readonly reconnect: boolean;
  /** The previous session or attempt ended because the credentials expired: fetch fresh ones. */
  readonly reauth: boolean;
  /**
   * Aborted when the attempt ends before its session is ready (drop, timeout, close). Once the session is
   * ready the attempt is over: the signal is released and never aborts.
   */
  readonly signal: AbortSignal;
  readonly transport: Transport;
}

export interface HandshakeResult<Out, In, Info> {
  /** The liveness policy for this session; may depend on what the server announced. */
  heartbeat?: HeartbeatPolicy<Out, In>;
  /** What the session is (ids, server time...), exposed as `connection.info` and the `connected` event. */
  info: Info;
  /**
   * The largest message (UTF-8 bytes, or bytes for binary) the server said it accepts for this session
   * (Engine.IO's `maxPayload`). App sends over it are refused with TOO_LARGE before they are written.
   */
  maxMessageSize?: number;
}

export interface RestoreContext<Out, In> {
  /** Writes a frame at once, ahead of the outbox. */
  send(frame: Out): void;
  /** A request written at once, ahead of the outbox. */
  request<R extends In = In>(build: (id: RequestId) => Out, options?: RequestOptions): Promise<R>;
  readonly reconnect: boolean;
  /** As in the handshake: aborted if the attempt ends before the session is ready. */
  readonly signal: AbortSignal;
}

/**
 * What an adapter supplies: the wire and its rules. It knows nothing of timers, sockets or retries.
 *
 * `Out` is what the client writes, `In` what it reads; `Info` describes an established session.
 */
export interface Protocol<Out, In, Info = unknown> {
  readonly name: string;
  /** One frame → one transport message, or several to be written back to back. */
  encode(frame: Out): EncodedFrame;
  /**
   * Decodes one transport message into 0..n frames, handed to `emit` in order before `decode` returns (a
   * frame found later, e.g. after an async decryption, goes to `Connection.dispatch`). Throws on garbage; the
   * core reports that as one PROTOCOL error and keeps the connection.
   */
  decode(data: TransportData, emit: (frame: In) => void): void;
  /** Runs on every connect and reconnect once the transport is open; resolves when the session is usable. */
  handshake(context: HandshakeContext<Out, In>): Promise<HandshakeResult<Out, In, Info>>;
  /** The request a frame answers, if any. */
  replyTo?(frame: In): RequestId | undefined;
  /** For a reply frame: the error it carries, if it is a failure. */
  replyError?(frame: In): PolySocketError | undefined;
  /** How a close from the server is handled. Default: reconnect. */
  classifyClose?(info: CloseInfo): CloseDecision;
  /** Runs after each handshake, before queued sends are flushed: re-subscribe, re-join, resume. */
  restore?(context: RestoreContext<Out, In>): Promise<void> | void;
  /** Receives every inbound frame that is not a heartbeat or a reply to a pending request. */
  onFrame?(frame: In): void;
  /** Told of every state change before the app's `state` listeners (and, for `connected`, before `connected`'s). */
  onState?(state: ConnectionState, previous: ConnectionState): void;
  /** This backend's usual limit for opening plus the handshake; the app's `connectTimeoutMs` wins. Default 10 000 ms. */
  readonly connectTimeoutMs?: number;
  /**
   * This backend's usual inbound limit (bytes per message); the app's `maxMessageSize` wins, and a limit the
   * server announces in the handshake lowers it. Default: none.
   */
  readonly maxMessageSize?: number;
}
