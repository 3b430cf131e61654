import { DeadlineTimer } from './deadline-timer';
import { LazyMap } from './lazy-collections';
import { PolySocketError, asMaybeDelivered } from './errors';
import type { Gate, OutboxEntry } from './outbox';
import type { EncodedFrame } from './transport';

export type RequestId = number;

export interface RequestOptions {
  /** Default 10 000 ms. The clock runs from the call, including time spent waiting in the outbox. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * The caller declares the request safe to send twice (idempotent). Then a request written before a
   * drop is resent after the session is restored instead of rejecting with DISCONNECTED.
   */
  resendSafe?: boolean;
  /**
   * A control frame that must not wait behind queued app sends (a Socket.IO namespace CONNECT that
   * those sends are waiting for): written at once whenever the session is up.
   */
  bypassOutbox?: boolean;
  /** Hold the request (in order, in the outbox) until this says it may go; see `Gate`. */
  gate?: Gate;
  /** An id reserved with `Connection.nextRequestId()`, for frames that must be built before the request is made. */
  id?: RequestId;
  /**
   * What the request waits for, named in its TIMEOUT, DISCONNECTED and ABORTED messages, e.g. `ack for 'add'`
   * (`describeEvent` quotes an app's event name safely). Default `reply to request <id>`.
   */
  label?: string;
  /** Appended to the TIMEOUT message: what the app can do about it (e.g. which option waits longer). */
  timeoutHint?: string;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** An app's event name as a message quotes it: in single quotes, cut at 64 characters (a name may be long). */
export function describeEvent(event: string): string {
  return `'${event.length > 64 ? `${event.slice(0, 64)}…` : event}'`;
}

/** One request awaiting its reply. It is its own outbox entry while it waits for a connection. */
export class PendingRequest<Reply> implements OutboxEntry {
  readonly expiresAt = Infinity;
  isWritten = false;
  settled = false;
  /** Epoch ms at which it times out (Infinity: never). */
  deadline = Infinity;
  timeoutMs = 0;
  detachAbort: (() => void) | undefined;
  /** See `RequestOptions.label` and `timeoutHint`. */
  label: string | undefined;
  timeoutHint: string | undefined;
  /** Settles with the reply (or the failure). */
  promise!: Promise<Reply>;

  constructor(
    readonly id: RequestId,
    readonly data: EncodedFrame,
    readonly size: number,
    readonly resendSafe: boolean,
    readonly gate: Gate | undefined,
    private readonly onResolve: (reply: Reply) => void,
    private readonly onReject: (error: PolySocketError) => void,
    private readonly table: PendingRequests<Reply>,
  ) {}

  written(): void {
    this.isWritten = true;
  }

  /** What it waits for, as its error messages say it. */
  describe(): string {
    return this.label ?? `reply to request ${this.id}`;
  }

  /** The outbox dropped it (a gate's error, an oversized message, close): it leaves the pending table too. */
  failed(error: PolySocketError): void {
    this.table.drop(this, error);
  }

  resolve(reply: Reply): void {
    if (this.settled) return;
    this.release();
    this.onResolve(reply);
  }

  reject(error: PolySocketError): void {
    if (this.settled) return;
    this.release();
    this.onReject(error);
  }

  private release(): void {
    this.settled = true;
    this.detachAbort?.();
    this.detachAbort = undefined;
  }
}

/**
 * Request ids, the pending map, timeouts and aborts. The connection decides when data is written.
 * Timeouts share one timer, armed for the earliest deadline: a request that settles in time costs no
 * timer call at all (per-request setTimeout/clearTimeout dominated the round-trip cost).
 */
export class PendingRequests<Reply> {
  private readonly pending = new LazyMap<RequestId, PendingRequest<Reply>>();
  private lastId = 0;
  /** Made with the first request that has a timeout. */
  private timer: DeadlineTimer | undefined;

  get size(): number {
    return this.pending.size;
  }

  /** Ids grow for the life of the client and are never reused, so a late reply cannot hit a new request. */
  nextId(): RequestId {
    this.lastId = this.lastId >= Number.MAX_SAFE_INTEGER ? 1 : this.lastId + 1;
    return this.lastId;
  }

  /** `onGone` runs for a request that timed out or was aborted, so its owner can take it out of the outbox. */
  constructor(private readonly onGone?: (request: PendingRequest<Reply>) => void) {}

  /** Registers a request that times out after `timeoutMs` (0 or less, or not finite: never). */
  add(
    id: RequestId,
    data: EncodedFrame,
    size: number,
    options: RequestOptions,
    timeoutMs: number,
  ): PendingRequest<Reply> {
    let request!: PendingRequest<Reply>;
    const promise = new Promise<Reply>((resolve, reject) => {
      request = new PendingRequest<Reply>(
        id,
        data,
        size,
        options.resendSafe === true,
        options.gate,
        resolve,
        reject,
        this,
      );
    });
    request.promise = promise;
    request.label = options.label;
    request.timeoutHint = options.timeoutHint;
    this.pending.set(id, request);
    if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
      request.timeoutMs = timeoutMs;
      request.deadline = Date.now() + timeoutMs;
      this.deadlines().include(request.deadline);
    }
    const signal = options.signal;
    if (signal) {
      const onAbort = (): void => {
        this.fail(
          request,
          new PolySocketError('ABORTED', `aborted while waiting for the ${request.describe()}`, {
            cause: signal.reason,
            maybeDelivered: request.isWritten,
          }),
        );
        this.onGone?.(request);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      request.detachAbort = () => signal.removeEventListener('abort', onAbort);
    }
    return request;
  }

  /** Made here, not in `add`: a closure made there would keep that call's request alive. */
  private deadlines(): DeadlineTimer {
    return (this.timer ??= new DeadlineTimer(() => this.sweep()));
  }

  /** Settles the request `id` with a reply (or its error). Returns false if no such request is pending. */
  settle(id: RequestId, reply: Reply, error?: PolySocketError): boolean {
    const request = this.pending.get(id);
    if (!request) return false;
    this.pending.delete(id);
    // An idle client keeps no empty table (~150 bytes); a new one per sequential request costs far less
    // than its round trip.
    if (this.pending.size === 0) this.pending.clear();
    // The timer stays armed when the last request settles: it fires once, finds nothing due and stops.
    // Disarming here cost a clearTimeout and a setTimeout per sequential request. `rejectAll` (close, failed)
    // still releases it.
    if (error) request.reject(error);
    else request.resolve(reply);
    return true;
  }

  /**
   * The link dropped. Written requests either reject with a retryable DISCONNECTED that says they
   * may have been delivered, or, when resend-safe, are returned (oldest first) to be queued again.
   * Unwritten requests are untouched: they are still in the outbox.
   */
  onDrop(): PendingRequest<Reply>[] {
    const resend: PendingRequest<Reply>[] = [];
    for (const request of this.pending.values()) {
      if (!request.isWritten) continue;
      if (request.resendSafe) {
        request.isWritten = false;
        resend.push(request);
      } else {
        this.fail(
          request,
          new PolySocketError(
            'DISCONNECTED',
            `connection lost before the ${request.describe()}; the request may have been delivered`,
            {
              maybeDelivered: true,
            },
          ),
        );
      }
    }
    return resend;
  }

  /** The client ended (close, failed): a request already written may have been acted on, and says so. */
  rejectAll(error: PolySocketError): void {
    for (const request of [...this.pending.values()]) {
      this.fail(request, request.isWritten ? asMaybeDelivered(error) : error);
    }
    this.timer?.clear();
  }

  /** @internal A request the outbox dropped. */
  drop(request: PendingRequest<Reply>, error: PolySocketError): void {
    this.fail(request, error);
  }

  /** Rejects one pending request (an adapter-level cancel). Returns whether it was pending. */
  cancel(id: RequestId, error: PolySocketError): PendingRequest<Reply> | undefined {
    const request = this.pending.get(id);
    if (!request) return undefined;
    this.fail(request, error);
    return request;
  }

  private fail(request: PendingRequest<Reply>, error: PolySocketError): void {
    if (this.pending.get(request.id) === request) this.pending.delete(request.id);
    if (this.pending.size === 0) {
      this.pending.clear();
      this.timer?.clear();
    }
    request.reject(error);
  }

  /** Times out what is due and re-arms for the next deadline. */
  private sweep(): void {
    const now = Date.now();
    let next = Infinity;
    for (const request of [...this.pending.values()]) {
      if (request.deadline <= now) {
        this.fail(
          request,
          new PolySocketError(
            'TIMEOUT',
            `no ${request.describe()} within ${request.timeoutMs} ms${request.timeoutHint ? `: ${request.timeoutHint}` : ''}`,
            {
              maybeDelivered: request.isWritten,
            },
          ),
        );
        this.onGone?.(request);
      } else if (request.deadline < next) {
        next = request.deadline;
      }
    }
    if (next !== Infinity && this.pending.size > 0) this.timer?.include(next);
  }
}
