import { DeadlineTimer } from './deadline-timer';
import { LazyMap } from './lazy-collections';
import { PolySocketError, asMaybeDelivered, type ErrorCode } from './errors';
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

/** What a request waits for, as its error messages say it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any request
const what = (request: PendingRequest<any>): string => request.options.label ?? `reply to request ${request.id}`;

/**
 * One request awaiting its reply. It is its own outbox entry while it waits for a connection, and its own
 * abort listener (`handleEvent`): no closure per request.
 */
export class PendingRequest<Reply> implements OutboxEntry {
  readonly expiresAt = Infinity;
  isWritten?: boolean;
  /** Epoch ms at which it times out (undefined: never). */
  deadline?: number;
  timeoutMs?: number;
  /** Settles with the reply (or the failure). */
  readonly promise: Promise<Reply>;
  resolve!: (reply: Reply) => void;
  reject!: (error: PolySocketError) => void;

  constructor(
    readonly id: RequestId,
    readonly data: EncodedFrame,
    readonly size: number,
    readonly gate: Gate | undefined,
    readonly options: RequestOptions,
    private readonly owner: PendingRequests<Reply>,
  ) {
    this.promise = new Promise<Reply>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  written(): void {
    this.isWritten = true;
  }

  /** The outbox dropped it (a gate's error, an oversized message, close): it leaves the pending table too. */
  failed(error: PolySocketError): void {
    this.owner.end(this, error);
  }

  /** Its signal aborted. */
  handleEvent(): void {
    this.owner.gone(this, 'ABORTED', `aborted while waiting for the ${what(this)}`, this.options.signal!.reason);
  }
}

/**
 * Request ids, the pending map, timeouts and aborts. The connection decides when data is written.
 * Timeouts share one timer, armed for the earliest deadline: a request that settles in time costs no
 * timer call at all (per-request setTimeout/clearTimeout dominated the round-trip cost). The table is that
 * DeadlineTimer (it is made with the client's first request).
 */
export class PendingRequests<Reply> extends DeadlineTimer {
  private readonly byId = new LazyMap<RequestId, PendingRequest<Reply>>();
  private lastId = 0;

  get size(): number {
    return this.byId.size;
  }

  /** Ids grow for the life of the client and are never reused, so a late reply cannot hit a new request. */
  nextId(): RequestId {
    return ++this.lastId;
  }

  /** `onGone` runs for a request that timed out or was aborted, so its owner can take it out of the outbox. */
  constructor(private readonly onGone?: (request: PendingRequest<Reply>) => void) {
    super(PendingRequests.prototype.sweep);
  }

  /** Registers a request that times out after `timeoutMs` (0 or less, or not finite: never). */
  add(
    id: RequestId,
    data: EncodedFrame,
    size: number,
    options: RequestOptions,
    timeoutMs: number,
  ): PendingRequest<Reply> {
    const request = new PendingRequest<Reply>(id, data, size, options.gate, options, this);
    this.byId.set(id, request);
    if (timeoutMs > 0 && timeoutMs < Infinity) {
      request.timeoutMs = timeoutMs;
      this.include((request.deadline = Date.now() + timeoutMs));
    }
    options.signal?.addEventListener('abort', request, { once: true });
    return request;
  }

  /**
   * The link dropped. Written requests either reject with a retryable DISCONNECTED that says they
   * may have been delivered, or, when resend-safe, are returned (oldest first) to be queued again.
   * Unwritten requests are untouched: they are still in the outbox.
   */
  onDrop(): PendingRequest<Reply>[] {
    const resend: PendingRequest<Reply>[] = [];
    for (const request of this.byId.values()) {
      if (!request.isWritten) continue;
      if (request.options.resendSafe) {
        request.isWritten = false;
        resend.push(request);
      } else {
        this.gone(request, 'DISCONNECTED', `link lost before the ${what(request)}; it may have been delivered`);
      }
    }
    return resend;
  }

  /** The client ended (close, failed): a request already written may have been acted on, and says so. */
  rejectAll(error: PolySocketError): void {
    for (const request of this.byId.values()) this.end(request, request.isWritten ? asMaybeDelivered(error) : error);
    this.clear();
  }

  /**
   * Rejects one pending request (an adapter-level cancel), or settles it with a reply (`error` is the reply's
   * own, if any). Returns it if it was pending.
   */
  cancel(id: RequestId, error: PolySocketError | undefined, reply?: Reply): PendingRequest<Reply> | undefined {
    const request = this.byId.get(id);
    if (request) this.end(request, error, reply);
    return request;
  }

  /**
   * @internal Settles `request`: with `error` (a failure empties the timer along with the table), else with
   * `reply`. A request settles once; later calls change nothing.
   */
  end(request: PendingRequest<Reply>, error: PolySocketError | undefined, reply?: Reply): void {
    const pending = this.byId;
    if (pending.get(request.id) === request) pending.delete(request.id);
    // An idle client keeps no empty table (~150 bytes); a new one per sequential request costs far less than
    // its round trip. The timer stays armed when the last request is answered: it fires once, finds nothing due
    // and stops (disarming cost a clearTimeout and a setTimeout per sequential request). A failure releases it.
    if (pending.size === 0) {
      pending.clear();
      if (error) this.clear();
    }
    request.options.signal?.removeEventListener('abort', request);
    if (error) request.reject(error);
    else request.resolve(reply!);
  }

  /**
   * @internal A request timed out, was aborted or was lost with the link: it fails (`maybeDelivered` if it had
   * been written), and its owner takes it out of the outbox.
   */
  gone(request: PendingRequest<Reply>, code: ErrorCode, message: string, cause?: unknown): void {
    this.end(request, new PolySocketError(code, message, { cause, maybeDelivered: request.isWritten }));
    this.onGone?.(request);
  }

  /** The timer's callback (`this` is the table): times out what is due and re-arms for the next deadline. */
  private sweep(): void {
    const now = Date.now();
    let next = Infinity;
    for (const request of this.byId.values()) {
      const { deadline = Infinity, timeoutMs } = request;
      const hint = request.options.timeoutHint;
      if (deadline <= now)
        this.gone(request, 'TIMEOUT', `no ${what(request)} within ${timeoutMs} ms${hint ? `: ${hint}` : ''}`);
      else if (deadline < next) next = deadline;
    }
    this.include(next);
  }
}
