import { backoffDelay, type BackoffOptions } from './backoff';
import { attachBrowserHooks, type BrowserHooksOptions } from './browser-hooks';
import { PolySocketError, toPolySocketError } from './errors';
import { Heartbeat, type HeartbeatHooks, type HeartbeatPolicy } from './heartbeat';
import { oversize } from './message-size';
import { RedactingLogger, type Logger } from './logger';
import { Outbox, sizeOf, type Gate, type OutboxEntry, type OutboxOptions } from './outbox';
import type { CloseDecision, HandshakeContext, Protocol, RestoreContext } from './protocol';
import { DEFAULT_REQUEST_TIMEOUT_MS, PendingRequests, type RequestId, type RequestOptions } from './requests';
import { SafeEmitter } from './safe-emitter';
import { CLOSE_CLIENT_DROP, CLOSE_NORMAL, type CloseInfo, type EncodedFrame, type Transport, type TransportData, type TransportFactory, type TransportListener } from './transport';

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
  /** Limit for opening the transport plus the handshake. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Default timeout of `request()`. Default 10 000 ms. */
  requestTimeoutMs?: number;
  outbox?: OutboxOptions;
  logger?: Logger;
  /** Source of randomness for the backoff jitter; injectable for tests. */
  random?: () => number;
  /** Where to listen for online/offline and visibility; defaults to the browser's window/document. */
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

type Phase = 'none' | 'opening' | 'handshake' | 'restore' | 'ready';

const DISCONNECT_REASON_DEAD = 'dead link';
const DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024;
const RESOLVED_TRUE: Promise<boolean> = Promise.resolve(true);
const RESOLVED_FALSE: Promise<boolean> = Promise.resolve(false);

class QueuedSend implements OutboxEntry {
  constructor(
    readonly data: EncodedFrame,
    readonly size: number,
    readonly expiresAt: number,
    readonly gate: Gate | undefined,
    private readonly resolve: (written: boolean) => void,
    private readonly reject: (error: PolySocketError) => void,
  ) {}
  written(): void {
    this.resolve(true);
  }
  failed(error: PolySocketError): void {
    this.reject(error);
  }
}

/**
 * Runs a Protocol over a Transport: lifecycle and reconnect, request correlation, heartbeat,
 * outbox. Adapters own one and build their API on it; it knows nothing of any wire.
 */
export class Connection<Out, In, Info = unknown> extends SafeEmitter<ConnectionEvents<Info>> {
  readonly logger: RedactingLogger;
  private currentState: ConnectionState = 'idle';
  private sessionInfo: Info | undefined;
  private lastRtt: number | undefined;

  private readonly protocol: Protocol<Out, In, Info>;
  private readonly transportFactory: TransportFactory;
  private readonly tuning: ConnectionTuning;
  private readonly maxFrameSize: number;
  /** The largest message written: the app's or the adapter's limit, lowered by what the session's server announced. */
  private sendLimit: number;
  // Made on first use: an idle client that never queues or requests carries neither.
  private outboxStore: Outbox | undefined;
  private requestStore: PendingRequests<In> | undefined;
  private readonly frameSink = (frame: In): void => this.route(frame);

  private transport: Transport | undefined;
  private generation = 0;
  private phase: Phase = 'none';
  private attempts = 0;
  private hadSession = false;
  private reauthNext = false;
  /** When the current session became ready; the attempt counter resets if it lasts `minUptimeMs`. */
  private readyAt = 0;
  private heartbeat: Heartbeat<Out, In> | undefined;
  private attemptAbort: AbortController | undefined;
  private handshakeQueue: In[] | undefined;
  private handshakeWaiter: { resolve: (frame: In) => void; reject: (error: PolySocketError) => void } | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private detachHooks: (() => void) | undefined;
  private waiters: { resolve: () => void; reject: (error: PolySocketError) => void }[] | undefined;
  private reportingListenerError = false;
  /** Why the client is `failed`. */
  private failure: PolySocketError | undefined;

  /**
   * `tuning` is where the tuning fields are read from, by default `options` itself: an adapter passes
   * its app's options object, so nothing is copied per client.
   */
  constructor(options: ConnectionOptions<Out, In, Info>, tuning: ConnectionTuning = options) {
    super();
    this.protocol = options.protocol;
    this.transportFactory = options.transport;
    this.tuning = tuning;
    this.maxFrameSize = tuning.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
    this.sendLimit = this.configuredSendLimit();
    this.logger = new RedactingLogger(tuning.logger);
  }

  private get outbox(): Outbox {
    return (this.outboxStore ??= new Outbox(this.tuning.outbox));
  }

  private get requests(): PendingRequests<In> {
    return (this.requestStore ??= new PendingRequests<In>((gone) => this.outboxStore?.remove(gone)));
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** What the last handshake established; undefined before the first session. */
  get info(): Info | undefined {
    return this.sessionInfo;
  }

  /** The last measured round-trip time in ms. */
  get rtt(): number | undefined {
    return this.lastRtt;
  }

  get pendingRequests(): number {
    return this.requestStore?.size ?? 0;
  }

  get queued(): { messages: number; bytes: number } {
    return { messages: this.outboxStore?.length ?? 0, bytes: this.outboxStore?.bytes ?? 0 };
  }

  /**
   * Starts connecting (from `idle`, `closed` or `failed`, with a fresh attempt counter). Resolves
   * once connected; rejects if the client ends `failed` or `closed` first. While reconnecting it
   * simply waits.
   */
  connect(): Promise<void> {
    if (this.currentState === 'connected') return Promise.resolve();
    const ready = new Promise<void>((resolve, reject) => (this.waiters ??= []).push({ resolve, reject }));
    if (this.currentState === 'idle' || this.currentState === 'closed' || this.currentState === 'failed') {
      this.attempts = 0;
      this.hadSession = false;
      this.reauthNext = false;
      this.detachHooks ??= attachBrowserHooks(this.tuning.browser ?? {}, {
        online: () => this.onOnline(),
        offline: () => this.checkLiveness(),
        visible: () => this.checkLiveness(),
      });
      this.startAttempt();
    }
    return ready;
  }

  /** Ends the client: rejects pending requests and queued sends with CLOSED, releases every timer and listener. Idempotent. */
  close(): void {
    if (this.currentState === 'closed') return;
    const wasConnected = this.currentState === 'connected';
    this.teardownLink();
    this.transport?.close(CLOSE_NORMAL, 'client closed');
    this.transport = undefined;
    this.clearTimer('retry');
    this.detachHooks?.();
    this.detachHooks = undefined;
    this.setState('closed');
    const error = new PolySocketError('CLOSED', 'the client was closed');
    this.requestStore?.rejectAll(error);
    this.outboxStore?.rejectAll(error);
    if (wasConnected) this.emit('disconnected', { code: CLOSE_NORMAL, reason: 'client closed', wasClean: true, willReconnect: false });
    this.settleWaiters(error);
  }

  /** Drops the current link and reconnects; `reauth` makes the next handshake fetch fresh credentials. */
  reconnect(options: { reauth?: boolean; reason?: string } = {}): void {
    if (this.currentState !== 'connected' && this.currentState !== 'connecting') return;
    const reason = options.reason ?? 'reconnect requested';
    this.lose({ code: CLOSE_CLIENT_DROP, reason, wasClean: true }, { action: options.reauth ? 'reauth' : 'reconnect' });
  }

  /** Stops for good with `error` (state `failed`); `connect()` starts again. */
  fail(error: PolySocketError): void {
    if (this.currentState === 'closed' || this.currentState === 'failed') return;
    this.enterFailed(error, { code: CLOSE_NORMAL, reason: error.message, wasClean: true });
  }

  /** Rejects a pending request with `error` (and takes it out of the outbox if it waits there). */
  cancelRequest(id: RequestId, error: PolySocketError): boolean {
    const request = this.requestStore?.cancel(id, error);
    if (request) this.outboxStore?.remove(request);
    return request !== undefined;
  }

  /** Reserves a request id, for a frame that must be built (e.g. encrypted) before `request(…, { id })`. */
  nextRequestId(): RequestId {
    return this.requests.nextId();
  }

  /**
   * Routes a frame as if it had just been decoded: heartbeat, reply matching, then `onFrame`. For
   * frames an adapter unwraps itself (an encrypted envelope's inner frame).
   */
  dispatch(frame: In): void {
    this.route(frame);
  }

  /** Reports an adapter-level problem through the `error` event (and the logger). */
  report(error: PolySocketError): void {
    this.emitError(error);
  }

  /** Whether the session is up and app sends go straight out. */
  get isConnected(): boolean {
    return this.currentState === 'connected';
  }

  /**
   * The error an app send gets now because of the client's state, or undefined when sends are accepted
   * (connected, or queued while connecting/reconnecting): INVALID before the first `connect()`, CLOSED after
   * `close()` or in `failed`. Adapters with send paths of their own check it first.
   */
  cannotSend(): PolySocketError | undefined {
    switch (this.currentState) {
      case 'idle':
        return new PolySocketError('INVALID', 'the client is not connected: call connect() first');
      case 'closed':
        return new PolySocketError('CLOSED', 'the client is closed: call connect() to open it again');
      case 'failed':
        return new PolySocketError('CLOSED', 'the client has failed (see its last error): call connect() to start again', { cause: this.failure });
      default:
        return undefined;
    }
  }

  /**
   * Sends a frame. Resolves true once written, false if it was volatile and dropped because the
   * client was not connected. While not connected, it waits in the outbox; overflow rejects with
   * OUTBOX_FULL, expiry with TIMEOUT, `close()` with CLOSED. The promise is pre-handled: ignoring it
   * never causes an unhandled rejection (failures also reach the `error` event).
   */
  send(frame: Out, options?: SendOptions): Promise<boolean> {
    let data: EncodedFrame;
    try {
      data = this.protocol.encode(frame);
    } catch (error) {
      return handled(Promise.reject(toPolySocketError(error, 'INVALID', 'could not encode the frame')));
    }
    if (this.currentState !== 'connected') {
      const refused = this.cannotSend();
      if (refused) return handled(Promise.reject(refused));
    }
    const tooLarge = this.checkSize(data);
    if (tooLarge) {
      this.emitError(tooLarge);
      return handled(Promise.reject(tooLarge));
    }
    const gate = options?.gate?.();
    if (gate !== undefined && gate !== true && gate !== false) return handled(Promise.reject(gate));
    if (gate !== false && this.isWritable() && this.queueIsEmpty()) {
      try {
        this.write(data);
        return RESOLVED_TRUE;
      } catch {
        // The transport went away under us; queue it like any send while disconnected.
      }
    }
    if (options?.volatile) return RESOLVED_FALSE;
    const ttl = options?.ttlMs;
    const expiresAt = ttl !== undefined && ttl >= 0 ? Date.now() + ttl : Infinity;
    const promise = new Promise<boolean>((resolve, reject) => {
      const entry = new QueuedSend(data, sizeOf(data), expiresAt, options?.gate, resolve, (error) => {
        this.emitError(error);
        reject(error);
      });
      const full = this.outbox.push(entry);
      if (full) entry.failed(full);
    });
    if (this.currentState === 'connected') this.flushOutbox();
    return handled(promise);
  }

  /**
   * Sends a request built around a fresh id and resolves with the frame that answers it (see
   * `Protocol.replyTo`). Rejects with TIMEOUT (default 10 s, counted from this call), ABORTED, the
   * reply's own error, or DISCONNECTED with `maybeDelivered: true` when the link dropped after the
   * request was written (unless `resendSafe`, in which case it is written again after restore).
   */
  request<R extends In = In>(build: (id: RequestId) => Out, options: RequestOptions = {}): Promise<R> {
    return this.makeRequest<R>(build, options, false);
  }

  private makeRequest<R extends In>(build: (id: RequestId) => Out, options: RequestOptions, direct: boolean): Promise<R> {
    if (options.signal?.aborted) {
      return Promise.reject(new PolySocketError('ABORTED', 'request aborted before it was sent', { cause: options.signal.reason }));
    }
    if (!direct && this.currentState !== 'connected') {
      const refused = this.cannotSend();
      if (refused) return Promise.reject(refused);
    }
    const gate = options.gate?.();
    if (gate !== undefined && gate !== true && gate !== false) return Promise.reject(gate);
    const id = options.id ?? this.requests.nextId();
    let data: EncodedFrame;
    try {
      data = this.protocol.encode(build(id));
    } catch (error) {
      return Promise.reject(toPolySocketError(error, 'INVALID', 'could not encode the request'));
    }
    if (!direct) {
      const tooLarge = this.checkSize(data);
      if (tooLarge) return Promise.reject(tooLarge);
    }
    const request = this.requests.add(id, data, sizeOf(data), options, options.timeoutMs ?? this.tuning.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
    const promise = request.promise;
    if (direct || (gate !== false && this.isWritable() && (this.queueIsEmpty() || options.bypassOutbox === true))) {
      try {
        this.write(data);
        request.written();
        return promise as Promise<R>;
      } catch {
        if (direct) {
          this.requests.settle(id, undefined as unknown as In, new PolySocketError('DISCONNECTED', 'the link closed before the request was written'));
          return promise as Promise<R>;
        }
      }
    }
    const full = this.outbox.push(request);
    if (full) this.requests.settle(id, undefined as unknown as In, full);
    else if (this.currentState === 'connected') this.flushOutbox();
    return promise as Promise<R>;
  }

  // ---- attempts ----

  private startAttempt(): void {
    const generation = ++this.generation;
    this.setState('connecting');
    this.phase = 'opening';
    let transport: Transport;
    try {
      transport = this.transportFactory();
    } catch (error) {
      this.lose({ code: 1006, reason: 'transport could not be created', wasClean: false }, {
        action: 'stop',
        error: toPolySocketError(error, 'INVALID', 'the transport could not be created'),
      });
      return;
    }
    this.transport = transport;
    const timeoutMs = this.tuning.connectTimeoutMs ?? this.protocol.connectTimeoutMs ?? 10_000;
    this.connectTimer = setTimeout(() => {
      this.connectTimer = undefined;
      this.lose({ code: CLOSE_CLIENT_DROP, reason: 'connect timeout', wasClean: false }, {
        action: 'reconnect',
        error: new PolySocketError('TIMEOUT', `not connected within ${timeoutMs} ms`),
      });
    }, timeoutMs);
    try {
      transport.open(new Connection.Attempt(this, generation, transport));
    } catch (error) {
      this.lose({ code: 1006, reason: 'transport failed to open', wasClean: false }, {
        action: 'reconnect',
        error: toPolySocketError(error, 'DISCONNECTED'),
      });
    }
  }

  /**
   * Everything tied to one attempt's transport, as one object rather than a dozen closures: it receives
   * the transport's events, is the handshake's and the restore's context, and runs the session's
   * heartbeat. Once its attempt is no longer current it passes nothing on.
   */
  private static readonly Attempt = class Attempt<O, I, N>
    implements TransportListener, HandshakeContext<O, I>, RestoreContext<O, I>, HeartbeatHooks<O>
  {
    constructor(
      private readonly connection: Connection<O, I, N>,
      private readonly generation: number,
      readonly transport: Transport,
    ) {}
    private get current(): boolean {
      return this.generation === this.connection.generation;
    }

    // TransportListener
    onOpen(): void {
      if (this.current) void this.connection.runHandshake(this);
    }
    onMessage(data: TransportData): void {
      if (this.current) this.connection.receive(data);
    }
    onClose(info: CloseInfo): void {
      if (this.current) this.connection.onTransportClose(info);
    }
    onError(error: Error): void {
      if (this.current) this.connection.logger.debug(`transport error: ${error.message}`);
    }
    onPong(): void {
      if (this.current) this.connection.heartbeat?.transportPong();
    }

    // HandshakeContext and RestoreContext. `send`, `receive` and `request` are made on access, so an adapter
    // may pass them around detached; the session keeps none of them.
    get send(): (frame: O) => void {
      return (frame) => this.write(frame);
    }
    get receive(): () => Promise<I> {
      return () => this.connection.nextHandshakeFrame();
    }
    get request(): <R extends I = I>(build: (id: RequestId) => O, options?: RequestOptions) => Promise<R> {
      return (build, options) => this.connection.makeRequest(build, options ?? {}, true);
    }
    private write(frame: O): void {
      writeTo(this.transport, this.connection.protocol.encode(frame));
    }
    get attempt(): number {
      return this.connection.attempts;
    }
    get reconnect(): boolean {
      return this.connection.hadSession;
    }
    get reauth(): boolean {
      return this.connection.reauthNext;
    }
    get signal(): AbortSignal {
      return this.connection.attemptSignal(this.generation);
    }

    // HeartbeatHooks
    sendFrame(frame: O): void {
      try {
        this.write(frame);
      } catch {
        // The link is going down; its close event will follow.
      }
    }
    transportPing(): boolean {
      return this.transport.ping?.() ?? false;
    }
    onDead(reason: string): void {
      const message = `${DISCONNECT_REASON_DEAD}: ${reason}`;
      this.connection.lose({ code: CLOSE_CLIENT_DROP, reason: message, wasClean: false }, {
        action: 'reconnect',
        error: new PolySocketError('DISCONNECTED', message),
      });
    }
    onRtt(ms: number): void {
      this.connection.lastRtt = ms;
      this.connection.emit('rtt', ms);
    }
  };

  private async runHandshake(attempt: HandshakeContext<Out, In> & RestoreContext<Out, In> & HeartbeatHooks<Out>): Promise<void> {
    const generation = this.generation;
    this.phase = 'handshake';
    let result;
    try {
      result = await this.protocol.handshake(attempt);
    } catch (error) {
      if (generation !== this.generation) return;
      const failure = attemptError(error, 'handshake failed');
      this.lose({ code: CLOSE_CLIENT_DROP, reason: failure.message, wasClean: false }, decisionFor(failure));
      return;
    }
    if (generation !== this.generation) return;
    this.clearTimer('connect');
    this.sessionInfo = result.info;
    this.sendLimit = Math.min(this.configuredSendLimit(), result.maxMessageSize ?? Infinity);
    if (result.heartbeat) this.heartbeat = new Heartbeat<Out, In>(result.heartbeat, attempt);
    this.phase = 'restore';
    const leftover = this.handshakeQueue;
    this.handshakeQueue = undefined;
    if (leftover) for (const frame of leftover) this.route(frame);

    if (this.protocol.restore) {
      try {
        await this.protocol.restore(attempt);
      } catch (error) {
        if (generation !== this.generation) return;
        const failure = attemptError(error, 'restoring the session failed');
        this.lose({ code: CLOSE_CLIENT_DROP, reason: failure.message, wasClean: false }, decisionFor(failure));
        return;
      }
      if (generation !== this.generation) return;
    }

    this.phase = 'ready';
    // The attempt is over: nothing is left to abort, and the controller would stay for the whole session.
    this.attemptAbort = undefined;
    this.hadSession = true;
    this.reauthNext = false;
    this.readyAt = Date.now();
    this.setState('connected');
    this.emit('connected', result.info);
    this.settleWaiters();
    // Listeners of `connected` ran first, so an app can inspect or discard what waits before it goes out.
    if (generation === this.generation) this.flushOutbox();
  }

  /**
   * The signal that aborts when attempt `generation` ends before it is ready, made on first use: most
   * adapters never ask, and an AbortController costs about 0.6 KB per client in Node.
   */
  private attemptSignal(generation: number): AbortSignal {
    if (generation !== this.generation) return AbortSignal.abort();
    if (this.phase === 'ready') return new AbortController().signal;
    return (this.attemptAbort ??= new AbortController()).signal;
  }

  private nextHandshakeFrame(): Promise<In> {
    const queued = this.handshakeQueue?.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.phase !== 'handshake') return Promise.reject(new PolySocketError('DISCONNECTED', 'the attempt ended'));
    return new Promise<In>((resolve, reject) => {
      this.handshakeWaiter = { resolve, reject };
    });
  }

  // ---- inbound ----

  private receive(data: TransportData): void {
    this.heartbeat?.heard();
    const size = typeof data === 'string' ? data.length : data.byteLength;
    if (size > this.maxFrameSize) {
      this.emitError(new PolySocketError('PROTOCOL', `inbound message of ${size} is over maxFrameSize; dropped`));
      return;
    }
    try {
      this.protocol.decode(data, this.frameSink);
    } catch (error) {
      this.emitError(toPolySocketError(error, 'PROTOCOL', 'malformed frame'));
    }
  }

  private route(frame: In): void {
    if (this.phase === 'handshake' || this.phase === 'opening') {
      const waiter = this.handshakeWaiter;
      if (waiter) {
        this.handshakeWaiter = undefined;
        waiter.resolve(frame);
      } else {
        (this.handshakeQueue ??= []).push(frame);
      }
      return;
    }
    const heartbeat = this.heartbeat;
    if (heartbeat !== undefined && heartbeat.inspectsFrames && heartbeat.consume(frame)) return;
    const protocol = this.protocol;
    if (protocol.replyTo !== undefined) {
      const id = protocol.replyTo(frame);
      if (id !== undefined && this.requestStore?.has(id)) {
        const error = protocol.replyError?.(frame);
        this.requestStore.settle(id, frame, error && this.scrub(error));
        return;
      }
    }
    try {
      protocol.onFrame?.(frame);
    } catch (error) {
      this.reportListenerError(error);
    }
  }

  // ---- loss, failure, reconnect ----

  private onTransportClose(info: CloseInfo): void {
    this.transport = undefined;
    const decision = this.protocol.classifyClose?.(info) ?? { action: 'reconnect' };
    this.lose(info, decision);
  }

  /** The link is gone (or abandoned): settle what depended on it, then reconnect or stop. */
  private lose(info: CloseInfo, decision: CloseDecision): void {
    const wasConnected = this.currentState === 'connected';
    this.teardownLink();
    if (this.transport) {
      // A link lost uncleanly (dead, timed out, broken) gets no closing handshake: its peer may never answer it.
      if (info.wasClean || !this.transport.terminate) this.transport.close(CLOSE_CLIENT_DROP, info.reason.slice(0, 120));
      else this.transport.terminate(CLOSE_CLIENT_DROP, info.reason.slice(0, 120));
      this.transport = undefined;
    }
    const unanswered = this.requestStore?.onDrop();
    if (unanswered !== undefined && unanswered.length > 0) this.outbox.unshift(unanswered);
    // A session that stayed up long enough was stable: the next retry counts from the first again.
    if (wasConnected && Date.now() - this.readyAt >= (this.tuning.minUptimeMs ?? 5000)) this.attempts = 0;
    const error = decision.error;
    this.logger.info(`link lost (${info.code}${info.reason ? ` ${info.reason}` : ''}); ${decision.action}`);

    if (decision.action === 'stop' || this.tuning.reconnect === false) {
      this.enterFailed(error ?? new PolySocketError('DISCONNECTED', `connection closed (${info.code})`), info, wasConnected);
      return;
    }
    if (decision.action === 'reauth') this.reauthNext = true;
    if (error) this.emitError(error);
    if (wasConnected) this.emit('disconnected', { ...info, reason: this.logger.redact(info.reason), willReconnect: true, error: error && this.scrub(error) });
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.attempts++;
    const max = this.tuning.maxAttempts;
    if (max !== undefined && this.attempts > max) {
      this.enterFailed(
        new PolySocketError('DISCONNECTED', `gave up after ${max} reconnect attempt${max === 1 ? '' : 's'}`),
        { code: 1006, reason: 'attempt limit reached', wasClean: false },
      );
      return;
    }
    const delayMs = backoffDelay(this.attempts - 1, this.tuning.backoff, this.tuning.random);
    this.setState('reconnecting');
    this.emit('reconnecting', { attempt: this.attempts, delayMs });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.startAttempt();
    }, delayMs);
  }

  private enterFailed(error: PolySocketError, info: CloseInfo, wasConnected = this.currentState === 'connected'): void {
    this.teardownLink();
    this.transport?.close(CLOSE_NORMAL, 'client failed');
    this.transport = undefined;
    this.clearTimer('retry');
    this.detachHooks?.();
    this.detachHooks = undefined;
    const safe = this.scrub(error);
    this.failure = safe;
    this.setState('failed');
    this.requestStore?.rejectAll(safe);
    this.outboxStore?.rejectAll(safe);
    if (wasConnected) this.emit('disconnected', { ...info, reason: this.logger.redact(info.reason), willReconnect: false, error: safe });
    this.emitError(safe);
    this.settleWaiters(safe);
  }

  /** Stops everything tied to the current link and invalidates its callbacks. */
  private teardownLink(): void {
    this.generation++;
    this.phase = 'none';
    this.heartbeat?.stop();
    this.heartbeat = undefined;
    this.clearTimer('connect');
    this.attemptAbort?.abort();
    this.attemptAbort = undefined;
    this.handshakeQueue = undefined;
    const waiter = this.handshakeWaiter;
    this.handshakeWaiter = undefined;
    waiter?.reject(new PolySocketError('DISCONNECTED', 'the link closed during the handshake'));
  }

  // ---- browser hooks ----

  private onOnline(): void {
    if (this.currentState === 'reconnecting' && this.retryTimer !== undefined) {
      this.clearTimer('retry');
      this.startAttempt();
    } else {
      this.checkLiveness();
    }
  }

  /** Checks the deadlines now and sends a probe: timers may have slept. */
  private checkLiveness(): void {
    if (this.currentState === 'connected' && this.heartbeat?.check()) this.heartbeat?.probe();
  }

  // ---- helpers ----

  private isWritable(): boolean {
    return this.currentState === 'connected' && this.transport !== undefined && (this.heartbeat === undefined || this.heartbeat.check());
  }

  /** Writes what waits in the outbox, if connected; adapters call it when a gate opens. */
  flush(): void {
    if (this.currentState === 'connected') this.flushOutbox();
  }

  private flushOutbox(): void {
    const transport = this.transport;
    const outbox = this.outboxStore;
    if (!transport || outbox === undefined || outbox.length === 0) return;
    outbox.flush((data) => writeTo(transport, data), this.sendLimit === Infinity ? undefined : (entry) => this.checkSize(entry.data));
  }

  private configuredSendLimit(): number {
    const limit = this.tuning.maxMessageSize ?? this.protocol.maxMessageSize;
    return typeof limit === 'number' && limit > 0 ? limit : Infinity;
  }

  /** TOO_LARGE for data with a message over the send limit. */
  private checkSize(data: EncodedFrame): PolySocketError | undefined {
    const limit = this.sendLimit;
    if (limit === Infinity) return undefined;
    const size = oversize(data, limit);
    if (size === 0) return undefined;
    return new PolySocketError('TOO_LARGE', `message of ${size} bytes is over the ${limit}-byte limit (maxMessageSize or the server's): not sent`);
  }

  private queueIsEmpty(): boolean {
    return this.outboxStore === undefined || this.outboxStore.length === 0;
  }

  private write(data: EncodedFrame): void {
    writeTo(this.transport!, data);
  }

  private setState(next: ConnectionState): void {
    const previous = this.currentState;
    if (previous === next) return;
    this.currentState = next;
    this.logger.debug(`state ${previous} → ${next}`);
    if (this.protocol.onState !== undefined) {
      try {
        this.protocol.onState(next, previous);
      } catch (error) {
        this.reportListenerError(error);
      }
    }
    this.emit('state', next, previous);
  }

  private settleWaiters(error?: PolySocketError): void {
    const waiters = this.waiters;
    if (waiters === undefined) return;
    this.waiters = undefined;
    for (const waiter of waiters) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
  }

  private clearTimer(which: 'retry' | 'connect'): void {
    const key = `${which}Timer` as 'retryTimer' | 'connectTimer';
    const timer = this[key];
    if (timer !== undefined) clearTimeout(timer);
    this[key] = undefined;
  }

  private emitError(error: PolySocketError): void {
    const safe = this.scrub(error);
    this.logger.warn(`${safe.code}: ${safe.message}`);
    if (this.listenerCount('error') > 0) this.emit('error', safe);
  }

  /** A copy of `error` without registered secrets in its message (a server may echo a token back). */
  private scrub(error: PolySocketError): PolySocketError {
    const message = this.logger.redact(error.message);
    if (message === error.message) return error;
    return new PolySocketError(error.code, message, {
      retryable: error.retryable,
      backendCode: typeof error.backendCode === 'string' ? this.logger.redact(error.backendCode) : error.backendCode,
      maybeDelivered: error.maybeDelivered,
      cause: error.cause,
    });
  }

  /** Reports an exception thrown by an app listener as a LISTENER error event (adapters route theirs here). */
  reportListenerError(error: unknown): void {
    const wrapped = new PolySocketError('LISTENER', 'a listener threw', { cause: error });
    this.logger.error(`listener threw: ${error instanceof Error ? error.message : String(error)}`);
    if (this.listenerCount('error') > 0 && !this.reportingListenerError) {
      this.reportingListenerError = true;
      try {
        this.emit('error', wrapped);
      } finally {
        this.reportingListenerError = false;
      }
    }
  }

  /** SafeEmitter's hook: a listener of this connection's events threw. */
  protected override onListenerError(error: unknown): void {
    this.reportListenerError(error);
  }
}

function writeTo(transport: Transport, data: EncodedFrame): void {
  if (typeof data === 'string' || !Array.isArray(data)) transport.send(data as TransportData);
  else for (const part of data as readonly TransportData[]) transport.send(part);
}

/** How a failed handshake or restore is handled, from its error. */
function decisionFor(error: PolySocketError): CloseDecision {
  if (error.code === 'AUTH_EXPIRED') return { action: 'reauth', error };
  if (!error.retryable) return { action: 'stop', error };
  return { action: 'reconnect', error };
}

/** An unexpected exception during an attempt is a retryable PROTOCOL error; typed errors keep their own class. */
function attemptError(error: unknown, message: string): PolySocketError {
  if (error instanceof PolySocketError) return error;
  return new PolySocketError('PROTOCOL', `${message}: ${error instanceof Error ? error.message : String(error)}`, {
    retryable: true,
    cause: error,
  });
}

/** Marks a promise as handled, so a caller that ignores it causes no unhandled rejection. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
