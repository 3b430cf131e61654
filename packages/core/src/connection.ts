import { startAttempt, type Attempt } from './attempt';
import { waitConnected, type ConnectWaiter } from './connect-waiters';
import type {
  ConnectionEvents,
  ConnectionOptions,
  ConnectionState,
  ConnectionTuning,
  SendOptions,
} from './connection-types';
import { PolySocketError } from './errors';
import { route } from './inbound';
import { emitError } from './lifecycle-notices';
import { drop, end } from './link-loss';
import { INSPECT, RedactingLogger } from './logger';
import {
  configuredLimit,
  encodeOut,
  handled,
  makeRequest,
  outboxOf,
  queue,
  sizeError,
  verdict,
  writeNow,
  writeTo,
} from './outbound';
import { flushBox, sizeOf, unqueue, type Outbox } from './outbox';
import { watchPage, type Page } from './page-lifecycle';
import type { Protocol } from './protocol';
import { cancel, type RequestId, type RequestOptions } from './requests';
import { SafeEmitter } from './safe-emitter';
import type { TransportFactory } from './transport';

export type {
  ConnectionEvents,
  ConnectionOptions,
  ConnectionState,
  ConnectionTuning,
  DisconnectEvent,
  ReconnectingEvent,
  SendOptions,
} from './connection-types';

/** @internal Any connection, for the modules that run one: nothing typed leaves them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyConnection = Connection<any, any, any>;

const RESOLVED_TRUE: Promise<boolean> = Promise.resolve(true);
const RESOLVED_FALSE: Promise<boolean> = Promise.resolve(false);

/**
 * Runs a Protocol over a Transport: lifecycle and reconnect, request correlation, heartbeat, outbox. Adapters
 * own one and build their API on it; it knows nothing of any wire.
 *
 * This class is the public face and the state; the work is done by module functions that take it:
 * `attempt.ts` (an attempt: transport, handshake, restore, heartbeat), `inbound.ts` (routing),
 * `outbound.ts` (send, request, outbox, size rule), `link-loss.ts` (loss, failure, reconnect, the timer),
 * `lifecycle-notices.ts` (state changes and the order they are told in), `page-lifecycle.ts` (the browser).
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
  readonly state: ConnectionState = 'idle';
  /** What the last handshake established; undefined before the first session. */
  readonly info: Info | undefined;
  /** The last measured round-trip time in ms. */
  readonly rtt: number | undefined;

  // The fields below are the connection's internals, shared with the modules that run it.
  /** @internal */ readonly protocol: Protocol<Out, In, Info>;
  /** @internal Called as this connection's method (adapters' shared factories read it as `this`). */
  readonly transportFactory: TransportFactory;
  /**
   * @internal Where the tuning fields are read from: the adapter's options object, nothing copied. Not enumerable:
   * it may hold the app's credentials, which `Object.values`, `JSON.stringify` and spreading must not reach.
   */
  declare readonly tuning: ConnectionTuning;
  /** @internal The largest message written: the app's or the adapter's limit, lowered by the server's. */
  sendLimit: number;
  /** @internal The current attempt (and, once ready, the session's link). */
  activeLink: Attempt<Out, In> | undefined;
  /** @internal The one timer, for the earliest of `linkAt` and the waiting `connect()` calls' deadlines. */
  linkTimer: ReturnType<typeof setTimeout> | undefined;
  /** @internal When the link's deadline is (the connect timeout or the retry); Infinity for none. */
  linkAt = Infinity;
  // Set before they are read (by `connect()`, the session): no initializer to run per client.
  /** @internal Failed attempts since the last stable session. */
  failedAttempts!: number;
  /** @internal A session was established since `connect()`. */
  hadSession!: boolean;
  /** @internal The next handshake fetches fresh credentials. */
  reauthNext!: boolean;
  /** @internal When the current session became ready; the attempt counter resets if it lasts `minUptimeMs`. */
  readyAt!: number;
  /** @internal Counts state changes, so a notification can tell that a listener moved the client on. */
  transitions = 0;
  /** @internal Notifications waiting while one is being told. */
  notices: (() => void)[] | undefined;
  /** @internal Why the client is `failed`. */
  failure: PolySocketError | undefined;
  /** @internal Why the last attempt failed or the last session dropped; cleared once connected. */
  lastLoss: PolySocketError | undefined;
  // Made on first use: an idle client that never queues, requests or waits carries none of them.
  /** @internal Queued sends, pending requests and their deadlines. */
  outboxStore: Outbox | undefined;
  /** @internal */ waiters: ConnectWaiter[] | undefined;
  /** @internal The browser's network and page lifecycle, where there is a page. */
  pageState: Page | undefined;
  private reportingListenerError?: boolean;

  /**
   * `tuning` is where the tuning fields are read from, by default `options` itself: an adapter passes
   * its app's options object, so nothing is copied per client.
   */
  constructor(options: ConnectionOptions<Out, In, Info>, tuning: ConnectionTuning = options) {
    super();
    this.protocol = options.protocol;
    this.transportFactory = options.transport;
    Object.defineProperty(this, 'tuning', { value: tuning });
    const max = tuning.maxAttempts;
    if (!(max === undefined || max >= 0))
      throw new PolySocketError('INVALID', `maxAttempts ${max}: use 0 or more (the default, Infinity, never gives up)`);
    this.logger = new RedactingLogger(tuning.logger);
    this.sendLimit = configuredLimit(this);
  }

  /** `util.inspect` / `console.log` in Node: the app's options (credentials among them) are not shown. */
  [INSPECT](): string {
    return `Connection { protocol: '${this.protocol.name}', state: '${this.state}' }`;
  }

  get pendingRequests(): number {
    return this.outboxStore?.byRequestId?.size ?? 0;
  }

  get queued(): { messages: number; bytes: number } {
    return { messages: this.outboxStore?.length ?? 0, bytes: this.outboxStore?.bytes ?? 0 };
  }

  /** Whether the session is up and app sends go straight out. */
  get isConnected(): boolean {
    return this.state === 'connected';
  }

  /**
   * Starts connecting (from `idle`, `closed` or `failed`, with a fresh attempt counter). Resolves once
   * connected; rejects if the client ends `failed` or `closed` first, or with TIMEOUT (the last attempt's
   * error as its cause) after `connectWaitMs` while the client keeps trying. While reconnecting it waits.
   */
  connect(): Promise<void> {
    const state = this.state;
    if (state === 'connected') return Promise.resolve();
    const ready = waitConnected(this);
    // Not `connecting` or `reconnecting`: `idle`, `closed` or `failed`.
    if (!state.endsWith('connecting')) {
      this.failedAttempts = 0;
      this.hadSession = this.reauthNext = false;
      this.failure = this.lastLoss = undefined;
      if (!this.pageState) this.pageState = watchPage(this);
      startAttempt(this);
    }
    return ready;
  }

  /** Ends the client: rejects pending requests and queued sends with CLOSED, releases every timer and listener. Idempotent. */
  close(): void {
    if (this.state !== 'closed') end(this, 'closed', new PolySocketError('CLOSED', 'client closed'));
  }

  /** Drops the current link and reconnects; `reauth` makes the next handshake fetch fresh credentials. */
  reconnect(options: { reauth?: boolean; reason?: string } = {}): void {
    drop(this, options.reason ?? 'reconnect requested', true, options.reauth ? 'reauth' : 'reconnect');
  }

  /** Stops for good with `error` (state `failed`); `connect()` starts again. */
  fail(error: PolySocketError): void {
    if (this.state !== 'closed' && this.state !== 'failed') end(this, 'failed', error);
  }

  /** Rejects a pending request with `error` (and takes it out of the outbox if it waits there). */
  cancelRequest(id: RequestId, error: PolySocketError): boolean {
    const request = cancel(this.outboxStore, id, error);
    if (request) unqueue(request.replyBox, request);
    return request !== undefined;
  }

  /** Reserves a request id, for a frame that must be built (e.g. encrypted) before `request(…, { id })`. */
  nextRequestId(): RequestId {
    return ++outboxOf(this).lastId;
  }

  /**
   * Routes a frame as if it had just been decoded: heartbeat, reply matching, then `onFrame`. For
   * frames an adapter unwraps itself (an encrypted envelope's inner frame).
   */
  dispatch(frame: In): void {
    route(this, frame);
  }

  /** Reports an adapter-level problem through the `error` event (and the logger). */
  report(error: PolySocketError): void {
    emitError(this, error);
  }

  /**
   * The error an app send gets now because of the client's state, or undefined when sends are accepted
   * (connected, or queued while connecting/reconnecting): INVALID before the first `connect()`, CLOSED after
   * `close()` or in `failed`. Adapters with send paths of their own check it first.
   */
  cannotSend(): PolySocketError | undefined {
    const state = this.state;
    const failure = this.failure;
    if (state === 'idle') return new PolySocketError('INVALID', 'not connected: call connect() first');
    if (state === 'closed' || state === 'failed')
      return new PolySocketError(
        'CLOSED',
        `client ${state}${failure ? ` (${failure.message})` : ''}: call connect() to reopen`,
        { cause: failure },
      );
    return undefined;
  }

  /**
   * Sends a frame. Resolves true once written, false if it was volatile and dropped because the
   * client was not connected. While not connected, it waits in the outbox; overflow rejects with
   * OUTBOX_FULL, expiry with TIMEOUT, `close()` with CLOSED, a message over the size limit with TOO_LARGE.
   * The promise is pre-handled: ignoring it never causes an unhandled rejection (failures also reach the
   * `error` event).
   */
  send(frame: Out, options: SendOptions = {}): Promise<boolean> {
    const gate = options.gate;
    const go = verdict(this, gate);
    const data = go instanceof PolySocketError ? go : encodeOut(this, () => frame);
    if (data instanceof PolySocketError) {
      emitError(this, data);
      return handled(Promise.reject(data));
    }
    if (go && writeNow(this, data)) return RESOLVED_TRUE;
    if (options.volatile) return RESOLVED_FALSE;
    const ttl = options.ttlMs ?? -1;
    return handled(
      new Promise<boolean>((resolve, reject) =>
        queue(this, {
          data,
          size: sizeOf(data),
          expiresAt: ttl >= 0 ? Date.now() + ttl : Infinity,
          gate,
          written: () => resolve(true),
          failed: (error) => {
            emitError(this, error);
            reject(error);
          },
        }),
      ),
    );
  }

  /**
   * Sends a request built around a fresh id and resolves with the frame that answers it (see
   * `Protocol.replyTo`). Rejects with TIMEOUT (default 10 s, counted from this call), ABORTED, the
   * reply's own error, or DISCONNECTED with `maybeDelivered: true` when the link dropped after the
   * request was written (unless `resendSafe`, in which case it is written again after restore).
   */
  request<R extends In = In>(build: (id: RequestId) => Out, options: RequestOptions = {}): Promise<R> {
    return makeRequest<In, R>(this, build, options);
  }

  /** Writes what waits in the outbox, if connected; adapters call it when a gate opens. */
  flush(): void {
    const outbox = this.outboxStore;
    if (this.state === 'connected' && outbox?.length)
      flushBox(
        outbox,
        (data) => writeTo(this.activeLink!.transport, data),
        (entry) => sizeError(this, entry.data),
      );
  }

  /** Reports an exception thrown by an app listener as a LISTENER error event (adapters route theirs here). */
  reportListenerError(error: unknown): void {
    const message = 'a listener threw';
    this.logger.error(message, error);
    if (this.reportingListenerError) return;
    this.reportingListenerError = true;
    try {
      this.emit('error', new PolySocketError('LISTENER', message, { cause: error }));
    } finally {
      this.reportingListenerError = false;
    }
  }

  /** SafeEmitter's hook: a listener of this connection's events threw. */
  protected override onListenerError(error: unknown): void {
    this.reportListenerError(error);
  }
}
