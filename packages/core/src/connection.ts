import { attemptError, decisionFor, gaveUp, lossError, openingFailure } from './attempt-errors';
import { backoffDelay } from './backoff';
import { ConnectWaiters } from './connect-waiters';
import type {
  ConnectionEvents,
  ConnectionOptions,
  ConnectionState,
  ConnectionTuning,
  SendOptions,
} from './connection-types';
import { PolySocketError, toPolySocketError } from './errors';
import { Heartbeat, type HeartbeatHooks } from './heartbeat';
import { RedactingLogger } from './logger';
import { oversize } from './message-size';
import { PageLifecycle, type PageOwner } from './page-lifecycle';
import { Outbox, sizeOf, type OutboxEntry } from './outbox';
import type { CloseDecision, HandshakeContext, Protocol, RestoreContext } from './protocol';
import { QueuedSend } from './queued-send';
import { DEFAULT_REQUEST_TIMEOUT_MS, PendingRequests, type RequestId, type RequestOptions } from './requests';
import { SafeEmitter } from './safe-emitter';
import { timerDelay } from './timing';
import {
  CLOSE_CLIENT_DROP,
  CLOSE_NORMAL,
  type CloseInfo,
  type EncodedFrame,
  type Transport,
  type TransportData,
  type TransportFactory,
  type TransportListener,
} from './transport';

export type {
  ConnectionEvents,
  ConnectionOptions,
  ConnectionState,
  ConnectionTuning,
  DisconnectEvent,
  ReconnectingEvent,
  SendOptions,
} from './connection-types';

type Phase = 'none' | 'opening' | 'handshake' | 'restore' | 'ready';

const DISCONNECT_REASON_DEAD = 'dead link';
/** The cause of a handshake write that found the link closing. */
const LINK_GONE = 'the transport refused a write';
const DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024;
const DEFAULT_CONNECT_WAIT_MS = 20_000;
/** After the browser says it is back online (or a page is restored), reconnect within this, spread at random. */
const WAKE_JITTER_MS = 500;
const RESOLVED_TRUE: Promise<boolean> = Promise.resolve(true);
const RESOLVED_FALSE: Promise<boolean> = Promise.resolve(false);

/**
 * Runs a Protocol over a Transport: lifecycle and reconnect, request correlation, heartbeat,
 * outbox. Adapters own one and build their API on it; it knows nothing of any wire.
 *
 * Every lifecycle change first settles the client's own state (timers, transport, requests, waiters) and
 * only then tells listeners. Notifications run to completion, in order: a change made by a listener
 * (`close()` in a `disconnected` listener, `connect()` in a `state` listener…) takes effect at once, but is
 * told after the notification under way has reached every listener, so every listener sees the same chain
 * of states. A `connected` or `reconnecting` event a later change has made untrue is not told; a drop's
 * one `disconnected` always is.
 */
export class Connection<Out, In, Info = unknown> extends SafeEmitter<ConnectionEvents<Info>> {
  readonly logger: RedactingLogger;
  private currentState: ConnectionState = 'idle';
  /** Counts state changes, so a notification can tell that a listener moved the client on. */
  private transitions = 0;
  /** Notifications waiting while one is being told; see the class comment. */
  private notices: (() => void)[] | undefined;
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
  private waitersStore: ConnectWaiters | undefined;
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
  /** The transport's last error in the current attempt (ECONNREFUSED, an HTTP status…). */
  private transportError: Error | undefined;
  private retryTimer: unknown;
  private connectTimer: unknown;
  /** The browser's network and page lifecycle, where there is a page. */
  private page: PageLifecycle | undefined;
  /** When the retry timer fires. */
  private retryAt = 0;
  /** When the page last asked for a liveness probe. */
  private wokeAt = 0;
  private reportingListenerError = false;
  /** Why the client is `failed`. */
  private failure: PolySocketError | undefined;
  /** Why the last attempt failed or the last session dropped; cleared once connected. */
  private lastError: PolySocketError | undefined;

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

  private get waiters(): ConnectWaiters {
    return (this.waitersStore ??= new ConnectWaiters(() => this.lastError));
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** `util.inspect` / `console.log` in Node: the app's options (credentials among them) are not shown. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Connection { protocol: '${this.protocol.name}', state: '${this.currentState}' }`;
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
   * Starts connecting (from `idle`, `closed` or `failed`, with a fresh attempt counter). Resolves once
   * connected; rejects if the client ends `failed` or `closed` first, or with TIMEOUT (the last attempt's
   * error as its cause) after `connectWaitMs` while the client keeps trying. While reconnecting it waits.
   */
  connect(): Promise<void> {
    if (this.currentState === 'connected') return Promise.resolve();
    const ready = this.waiters.add(this.tuning.connectWaitMs ?? DEFAULT_CONNECT_WAIT_MS);
    if (this.currentState === 'idle' || this.currentState === 'closed' || this.currentState === 'failed') {
      this.attempts = 0;
      this.hadSession = false;
      this.reauthNext = false;
      this.failure = undefined;
      this.lastError = undefined;
      this.page ??= PageLifecycle.attach(new Connection.Page(this), this.tuning.browser ?? {});
      this.startAttempt();
    }
    return ready;
  }

  /** Ends the client: rejects pending requests and queued sends with CLOSED, releases every timer and listener. Idempotent. */
  close(): void {
    if (this.currentState === 'closed') return;
    const wasConnected = this.currentState === 'connected';
    this.releaseLink(CLOSE_NORMAL, 'client closed');
    const error = new PolySocketError('CLOSED', 'the client was closed');
    const dropped = this.endClient(error);
    this.setState('closed');
    if (wasConnected)
      this.notify(() =>
        this.emit('disconnected', {
          code: CLOSE_NORMAL,
          reason: 'client closed',
          wasClean: true,
          willReconnect: false,
        }),
      );
    if (dropped.length > 0) this.notify(() => failAll(dropped, error));
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
        return new PolySocketError(
          'CLOSED',
          `the client has failed (${this.failure?.message ?? 'see its last error'}): call connect() to start again`,
          {
            cause: this.failure,
          },
        );
      default:
        return undefined;
    }
  }

  /**
   * Sends a frame. Resolves true once written, false if it was volatile and dropped because the
   * client was not connected. While not connected, it waits in the outbox; overflow rejects with
   * OUTBOX_FULL, expiry with TIMEOUT, `close()` with CLOSED, a message over the size limit with TOO_LARGE.
   * The promise is pre-handled: ignoring it never causes an unhandled rejection (failures also reach the
   * `error` event).
   */
  send(frame: Out, options?: SendOptions): Promise<boolean> {
    if (this.currentState !== 'connected') {
      const refused = this.cannotSend();
      if (refused) return this.refuse(refused);
    }
    let data: EncodedFrame;
    try {
      data = this.protocol.encode(frame);
    } catch (error) {
      return this.refuse(toPolySocketError(error, 'INVALID', 'could not encode the frame'));
    }
    const tooLarge = this.checkSize(data);
    if (tooLarge) return this.refuse(tooLarge);
    const gate = options?.gate?.();
    if (gate !== undefined && gate !== true && gate !== false) return this.refuse(gate);
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

  /** A send refused at once: its promise rejects (pre-handled) and the `error` event says so, as for every failed send. */
  private refuse(error: PolySocketError): Promise<boolean> {
    this.emitError(error);
    return handled(Promise.reject(error));
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

  private makeRequest<R extends In>(
    build: (id: RequestId) => Out,
    options: RequestOptions,
    direct: boolean,
  ): Promise<R> {
    if (options.signal?.aborted) {
      return Promise.reject(
        new PolySocketError('ABORTED', 'request aborted before it was sent', { cause: options.signal.reason }),
      );
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
    const tooLarge = this.checkSize(data);
    if (tooLarge) return Promise.reject(tooLarge);
    const request = this.requests.add(
      id,
      data,
      sizeOf(data),
      options,
      options.timeoutMs ?? this.tuning.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    );
    const promise = request.promise;
    if (direct || (gate !== false && this.isWritable() && (this.queueIsEmpty() || options.bypassOutbox === true))) {
      try {
        this.write(data);
        request.written();
        return promise as Promise<R>;
      } catch {
        if (direct) {
          this.requests.settle(
            id,
            undefined as unknown as In,
            new PolySocketError('DISCONNECTED', 'the link closed before the request was written'),
          );
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
    this.phase = 'opening';
    this.transportError = undefined;
    this.page?.attempting();
    this.setState('connecting');
    if (generation !== this.generation) return; // a `state` listener closed the client
    let transport: Transport;
    try {
      transport = this.transportFactory();
    } catch (error) {
      this.lose(
        { code: 1006, reason: 'transport could not be created', wasClean: false },
        {
          action: 'stop',
          error: toPolySocketError(error, 'INVALID', 'the transport could not be created'),
        },
      );
      return;
    }
    this.transport = transport;
    const timeoutMs = this.connectTimeoutMs();
    // As for requests: 0 or less, or not finite, means no limit.
    if (timeoutMs > 0 && timeoutMs < Infinity)
      this.connectTimer = setTimeout(Connection.connectTimedOut, timerDelay(timeoutMs), this, generation);
    try {
      transport.open(new Connection.Attempt(this, generation, transport));
    } catch (error) {
      if (generation === this.generation) {
        this.lose(
          { code: 1006, reason: 'transport failed to open', wasClean: false },
          {
            action: 'reconnect',
            error: toPolySocketError(error, 'DISCONNECTED'),
          },
        );
      }
    }
  }

  private connectTimeoutMs(): number {
    return this.tuning.connectTimeoutMs ?? this.protocol.connectTimeoutMs ?? 10_000;
  }

  // Timer callbacks get the connection as an argument: one shared function rather than a closure per attempt.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any connection; nothing typed leaves here
  private static connectTimedOut(connection: Connection<any, any, any>, generation: number): void {
    if (generation !== connection.generation) return;
    connection.connectTimer = undefined;
    const cause = connection.transportError;
    connection.lose(
      { code: CLOSE_CLIENT_DROP, reason: 'connect timeout', wasClean: false },
      {
        action: 'reconnect',
        error: new PolySocketError(
          'TIMEOUT',
          `not connected within ${connection.connectTimeoutMs()} ms${cause ? ` (${cause.message})` : ''}`,
          { cause },
        ),
      },
    );
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  private static retryDue(connection: Connection<any, any, any>): void {
    connection.retryTimer = undefined;
    connection.retryNow();
  }

  /** The retry timer fired, or the page/network came back: attempt now, unless the page holds it back. */
  private retryNow(): void {
    if (this.currentState !== 'reconnecting') return;
    const wait = this.page?.holdOff(this.tuning.backoff?.maxDelayMs ?? 30_000) ?? 0;
    if (wait === Infinity) return; // the page is away: its return starts the next attempt
    if (wait > 0) return this.armRetry(wait);
    this.startAttempt();
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
      if (!this.current) return;
      this.connection.transportError = error;
      this.connection.logger.debug(`transport error: ${error.message}`);
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
      const data = this.connection.protocol.encode(frame);
      // The same size rule as app sends: an oversized handshake or restore frame would only have the server drop
      // the link, attempt after attempt; failing the attempt with TOO_LARGE (not retryable) ends that loop.
      const tooLarge = this.connection.checkSize(data);
      if (tooLarge) throw tooLarge;
      try {
        writeTo(this.transport, data);
      } catch (error) {
        // The peer is closing the link: its close event (code and reason) says why, not this write.
        throw new PolySocketError('DISCONNECTED', 'the link closed during the attempt', { cause: LINK_GONE });
      }
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
      this.connection.lose(
        { code: CLOSE_CLIENT_DROP, reason: message, wasClean: false },
        {
          action: 'reconnect',
          error: new PolySocketError('DISCONNECTED', message),
        },
      );
    }
    onRtt(ms: number): void {
      this.connection.lastRtt = ms;
      this.connection.emit('rtt', ms);
    }
  };

  private async runHandshake(
    attempt: HandshakeContext<Out, In> & RestoreContext<Out, In> & HeartbeatHooks<Out>,
  ): Promise<void> {
    const generation = this.generation;
    this.phase = 'handshake';
    let result;
    try {
      result = await this.protocol.handshake(attempt);
    } catch (error) {
      if (generation !== this.generation) return;
      // A write found the link closing: wait for its close event (or the connect timeout), which says why.
      if (error instanceof PolySocketError && error.cause === LINK_GONE) return;
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
    this.lastError = undefined;
    this.page?.connected();
    const mine = this.setState('connected');
    this.notify(() => {
      if (this.transitions !== mine) return;
      this.emit('connected', result.info);
      if (this.transitions !== mine) return;
      this.waitersStore?.resolveAll();
      // Listeners of `connected` ran first, so an app can inspect or discard what waits before it goes out.
      this.flushOutbox();
    });
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
      const requests = this.requestStore;
      if (id !== undefined && requests !== undefined) {
        // One lookup per reply (in `settle`); a reply that matches nothing goes on to `onFrame`.
        const error = protocol.replyError?.(frame);
        if (requests.settle(id, frame, error && this.scrub(error))) return;
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
    // A link that never opened failed for a reason only the transport knows (refused, HTTP status…).
    const plain = decision.action === 'reconnect' && decision.error === undefined;
    this.lose(info, plain && this.phase === 'opening' ? undefined : decision);
  }

  /**
   * The link is gone (or abandoned): settle what depended on it, then reconnect or stop. Without a
   * decision, the attempt failed while opening and the transport's own error says why.
   */
  private lose(info: CloseInfo, decision: CloseDecision | undefined): void {
    const wasConnected = this.currentState === 'connected';
    const cause = this.transportError;
    const opening = this.phase === 'opening';
    if (decision === undefined) decision = openingFailure(info, cause);
    this.releaseLink(CLOSE_CLIENT_DROP, info.reason.slice(0, 120), !info.wasClean);
    const unanswered = this.requestStore?.onDrop();
    if (unanswered !== undefined && unanswered.length > 0) this.outbox.unshift(unanswered);
    // A session that stayed up long enough was stable: the next retry counts from the first again.
    if (wasConnected && Date.now() - this.readyAt >= (this.tuning.minUptimeMs ?? 5000)) this.attempts = 0;
    // A failed attempt is always reported with its cause; a dropped session is told by `disconnected`.
    const reported = decision.error ?? (opening ? undefined : lossError(info, cause));
    const error = reported && this.scrub(reported);
    const announce = decision.error !== undefined || !wasConnected;
    if (error) this.lastError = error;
    this.logger.info(`link lost (${info.code}${info.reason ? ` ${info.reason}` : ''}); ${decision.action}`);

    if (decision.action === 'stop' || this.tuning.reconnect === false) {
      this.enterFailed(
        error ?? new PolySocketError('DISCONNECTED', `connection closed (${info.code})`),
        info,
        wasConnected,
      );
      return;
    }
    if (decision.action === 'reauth') this.reauthNext = true;
    this.attempts++;
    const max = this.tuning.maxAttempts;
    if (max !== undefined && this.attempts > max) {
      this.enterFailed(
        gaveUp(max, error ?? new PolySocketError('DISCONNECTED', `connection closed (${info.code})`)),
        info,
        wasConnected,
      );
      return;
    }
    const delayMs = backoffDelay(this.attempts - 1, this.tuning.backoff, this.tuning.random);
    const mine = this.setState('reconnecting');
    const attempt = this.attempts;
    if (wasConnected) {
      this.notify(() =>
        this.emit('disconnected', {
          ...info,
          reason: this.logger.redact(info.reason),
          willReconnect: this.isTrying(),
          error,
        }),
      );
    }
    if (announce && error) this.notify(() => this.emitError(error));
    // The retry is armed as it is announced (so the delay counts from what the app is told), and only if no
    // listener moved the client on meanwhile: a `close()` in any listener before leaves no timer behind.
    this.notify(() => {
      if (this.transitions !== mine) return;
      this.armRetry(delayMs);
      this.emit('reconnecting', { attempt, delayMs, error });
    });
  }

  private enterFailed(error: PolySocketError, info: CloseInfo, wasConnected = this.currentState === 'connected'): void {
    this.releaseLink(CLOSE_NORMAL, 'client failed');
    const safe = this.scrub(error);
    this.failure = safe;
    const dropped = this.endClient(safe);
    this.setState('failed');
    if (wasConnected)
      this.notify(() =>
        this.emit('disconnected', {
          ...info,
          reason: this.logger.redact(info.reason),
          willReconnect: false,
          error: safe,
        }),
      );
    if (dropped.length > 0) this.notify(() => failAll(dropped, safe));
    this.notify(() => this.emitError(safe));
  }

  /** Closes (or, for a broken link, cuts) the transport and stops everything tied to it and to retrying. */
  private releaseLink(code: number, reason: string, broken = false): void {
    this.teardownLink();
    const transport = this.transport;
    this.transport = undefined;
    // A link lost uncleanly (dead, timed out, broken) gets no closing handshake: its peer may never answer it.
    if (transport) {
      if (broken && transport.terminate) transport.terminate(code, reason);
      else transport.close(code, reason);
    }
    this.clearTimer('retry');
  }

  /**
   * The client ends (`closed` or `failed`): its browser listeners go, pending requests and `connect()`
   * calls reject now (asynchronously), and what waited in the outbox is returned, to be failed once the
   * state change has been announced — a listener that sends again then starts a fresh outbox.
   */
  private endClient(error: PolySocketError): OutboxEntry[] {
    this.page?.detach();
    this.page = undefined;
    this.requestStore?.rejectAll(error);
    this.waitersStore?.rejectAll(error);
    return this.outboxStore?.takeAll() ?? [];
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

  private isTrying(): boolean {
    return this.currentState === 'reconnecting' || this.currentState === 'connecting';
  }

  // ---- the browser's network and page lifecycle ----

  /** The page policy's view of the connection: one object with prototype methods (no closures per client). */
  private static readonly Page = class Page implements PageOwner {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any connection; nothing typed leaves here
    constructor(private readonly connection: Connection<any, any, any>) {}
    get state(): ConnectionState {
      return this.connection.currentState;
    }
    abandonLink(reason: string, clean: boolean): void {
      this.connection.abandonLink(reason, clean);
    }
    retrySoon(): void {
      this.connection.retrySoon();
    }
    checkLiveness(): void {
      this.connection.checkLiveness();
    }
  };

  /** The browser says the network or the page is gone: leave the link now (it may be half-open) rather than wait for a deadline. */
  private abandonLink(reason: string, clean: boolean): void {
    if (this.currentState !== 'connected' && this.currentState !== 'connecting') return;
    this.lose(
      { code: CLOSE_CLIENT_DROP, reason, wasClean: clean },
      { action: 'reconnect', error: new PolySocketError('DISCONNECTED', reason) },
    );
  }

  /**
   * Replaces a longer backoff wait with a short random one: the network or page just came back. Random so
   * that a whole office coming back online does not arrive in the same millisecond.
   */
  private retrySoon(): void {
    if (this.currentState !== 'reconnecting') return;
    const delay = Math.floor((this.tuning.random ?? Math.random)() * WAKE_JITTER_MS);
    if (this.retryTimer === undefined || this.retryAt > Date.now() + delay) this.armRetry(delay);
  }

  private armRetry(delayMs: number): void {
    this.clearTimer('retry');
    this.retryAt = Date.now() + delayMs;
    this.retryTimer = setTimeout(Connection.retryDue, timerDelay(delayMs), this);
  }

  /** Checks the deadlines now and sends a probe (at most one a second, however many wake-ups): timers may have slept. */
  private checkLiveness(): void {
    if (this.currentState !== 'connected' || !this.heartbeat?.check()) return;
    const now = Date.now();
    if (now - this.wokeAt < 1000) return;
    this.wokeAt = now;
    this.heartbeat.probe();
  }

  // ---- helpers ----

  private isWritable(): boolean {
    return (
      this.currentState === 'connected' &&
      this.transport !== undefined &&
      (this.heartbeat === undefined || this.heartbeat.check())
    );
  }

  /** Writes what waits in the outbox, if connected; adapters call it when a gate opens. */
  flush(): void {
    if (this.currentState === 'connected') this.flushOutbox();
  }

  private flushOutbox(): void {
    const transport = this.transport;
    const outbox = this.outboxStore;
    if (!transport || outbox === undefined || outbox.length === 0) return;
    outbox.flush(
      (data) => writeTo(transport, data),
      this.sendLimit === Infinity ? undefined : (entry) => this.checkSize(entry.data),
    );
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
    return new PolySocketError(
      'TOO_LARGE',
      `message of ${size} bytes is over the ${limit}-byte limit (maxMessageSize or the server's): not sent`,
    );
  }

  private queueIsEmpty(): boolean {
    return this.outboxStore === undefined || this.outboxStore.length === 0;
  }

  private write(data: EncodedFrame): void {
    writeTo(this.transport!, data);
  }

  /**
   * Moves to `next` now, and tells the adapter, then the app (in turn, see `notify`). Returns the change's
   * number, for notifications that must not be told once a later change made them untrue.
   */
  private setState(next: ConnectionState): number {
    const previous = this.currentState;
    if (previous === next) return this.transitions;
    this.currentState = next;
    const mine = ++this.transitions;
    this.logger.debug(`state ${previous} → ${next}`);
    this.notify(() => {
      if (this.protocol.onState !== undefined) {
        try {
          this.protocol.onState(next, previous);
        } catch (error) {
          this.reportListenerError(error);
        }
      }
      this.emit('state', next, previous);
    });
    return mine;
  }

  /** Tells listeners now, or — while another notification is being told — right after it and those before. */
  private notify(notice: () => void): void {
    const queue = this.notices;
    if (queue !== undefined) {
      queue.push(notice);
      return;
    }
    const run: (() => void)[] = (this.notices = [notice]);
    try {
      for (let next = run.shift(); next !== undefined; next = run.shift()) {
        try {
          next();
        } catch (error) {
          this.reportListenerError(error);
        }
      }
    } finally {
      this.notices = undefined;
    }
  }

  private clearTimer(which: 'retry' | 'connect'): void {
    const key = `${which}Timer` as 'retryTimer' | 'connectTimer';
    const timer = this[key];
    if (timer !== undefined) clearTimeout(timer as ReturnType<typeof setTimeout>);
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

/** Marks a promise as handled, so a caller that ignores it causes no unhandled rejection. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function failAll(entries: OutboxEntry[], error: PolySocketError): void {
  for (const entry of entries) entry.failed(error);
}
