import { PolySocketError, asMaybeDelivered, type ErrorCode } from './errors';
import { sizeOf, unqueue, type Gate, type Outbox, type OutboxEntry } from './outbox';
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

/**
 * One request awaiting its reply, in its client's outbox (`outbox.ts`: the pending table and the timer). It is its
 * own outbox entry while it waits for a connection, and its own abort listener (`handleEvent`): no closure per request.
 */
export class PendingRequest implements OutboxEntry {
  readonly expiresAt = Infinity;
  readonly size: number;
  readonly gate: Gate | undefined;
  /** @internal Written to the transport (and not since put back to be resent). */
  isWritten?: boolean;
  /** @internal Epoch ms at which it times out (Infinity: never). */
  dueAt = Infinity;
  /** @internal Its timeout, for the TIMEOUT message. */
  waitMs?: number;
  /** Settles with the reply (or the failure). */
  /** @internal */ readonly replyPromise: Promise<unknown>;
  /** @internal */ resolveReply!: (reply: unknown) => void;
  /** @internal */ rejectReply!: (error: PolySocketError) => void;

  constructor(
    readonly id: RequestId,
    readonly data: EncodedFrame,
    /** @internal */ readonly requestOptions: RequestOptions,
    /** @internal */ readonly replyBox: Outbox,
  ) {
    this.size = sizeOf(data);
    this.gate = requestOptions.gate;
    this.replyPromise = new Promise((resolve, reject) => {
      this.resolveReply = resolve;
      this.rejectReply = reject;
    });
  }

  written(): void {
    this.isWritten = true;
  }

  /** The outbox dropped it (a gate's error, an oversized message, close): it leaves the pending table too. */
  failed(error: PolySocketError): void {
    settle(this, error);
  }

  /** Its signal aborted. */
  handleEvent(): void {
    gone(this, 'ABORTED', `aborted while waiting for the ${what(this)}`, this.requestOptions.signal!.reason);
  }
}

/** What a request waits for, as its error messages say it. */
const what = (request: PendingRequest): string => request.requestOptions.label ?? `reply to request ${request.id}`;

/** Registers a request that times out after `timeoutMs` (0 or less, or not finite: never). */
export function addRequest(
  box: Outbox,
  id: RequestId,
  data: EncodedFrame,
  options: RequestOptions,
  timeoutMs: number,
): PendingRequest {
  const request = new PendingRequest(id, data, options, box);
  (box.byRequestId ?? (box.byRequestId = new Map())).set(id, request);
  if (timeoutMs > 0 && timeoutMs < Infinity) {
    request.waitMs = timeoutMs;
    box.include((request.dueAt = Date.now() + timeoutMs));
  }
  options.signal?.addEventListener('abort', request, { once: true });
  return request;
}

/**
 * Settles `request`: with `error`, else with `reply`. A request settles once; later calls change nothing. The timer
 * stays armed when the last request is answered: it fires once, finds nothing due and stops (disarming cost a
 * clearTimeout and a setTimeout per sequential request). A failure that leaves nothing to wait for releases it.
 */
export function settle(request: PendingRequest, error: PolySocketError | undefined, reply?: unknown): void {
  const box = request.replyBox;
  const pending = box.byRequestId;
  if (pending?.get(request.id) === request) pending.delete(request.id);
  // An idle client keeps no empty table (~150 bytes); a new one per sequential request costs far less than its round trip.
  if (!pending?.size) {
    box.byRequestId = undefined;
    if (error && !box.queueList.length) box.clear();
  }
  request.requestOptions.signal?.removeEventListener('abort', request);
  if (error) request.rejectReply(error);
  else request.resolveReply(reply);
}

/** Rejects (or answers, with `reply`) the pending request `id`; returns it if it was pending. */
export function cancel(
  box: Outbox | undefined,
  id: RequestId,
  error: PolySocketError | undefined,
  reply?: unknown,
): PendingRequest | undefined {
  const request = box?.byRequestId?.get(id);
  if (request) settle(request, error, reply);
  return request;
}

/**
 * A request timed out, was aborted or was lost with the link: it fails (`maybeDelivered` if it had been written)
 * and leaves the outbox.
 */
export function gone(request: PendingRequest, code: ErrorCode, message: string, cause?: unknown): void {
  settle(request, new PolySocketError(code, message, { cause, maybeDelivered: request.isWritten }));
  unqueue(request.replyBox, request);
}

/**
 * A written request's TIMEOUT carries the adapter's hint (what the server must do, which option waits longer); one
 * that was never written says so instead: the server never saw it.
 */
function timeoutMessage(request: PendingRequest, connected: boolean): string {
  const head = `no ${what(request)} within ${request.waitMs} ms`;
  const hint = request.requestOptions.timeoutHint;
  if (!request.isWritten)
    return `${head}: not sent, ${connected ? 'it was still held in the outbox' : "the client was not connected (wait for 'connected', or allow a longer timeout)"}`;
  return hint ? `${head}: ${hint}` : head;
}

/** Times out the requests due at `now`; returns the next deadline. */
export function timeOut(box: Outbox, now: number): number {
  let next = Infinity;
  for (const request of box.byRequestId?.values() ?? []) {
    const deadline = request.dueAt;
    if (deadline <= now) gone(request, 'TIMEOUT', timeoutMessage(request, box.owner?.state === 'connected'));
    else if (deadline < next) next = deadline;
  }
  return next;
}

/**
 * The link dropped. Written requests either reject with a retryable DISCONNECTED that says they may have been
 * delivered, or, when resend-safe, are returned (oldest first) to be queued again. Unwritten requests are
 * untouched: they are still in the outbox.
 */
export function onDrop(box: Outbox): PendingRequest[] {
  const resend: PendingRequest[] = [];
  for (const request of box.byRequestId?.values() ?? []) {
    if (!request.isWritten) continue;
    if (request.requestOptions.resendSafe) {
      request.isWritten = false;
      resend.push(request);
    } else gone(request, 'DISCONNECTED', `link lost before the ${what(request)}; it may have been delivered`);
  }
  return resend;
}

/** The client ended (close, failed): a request already written may have been acted on, and says so. */
export function rejectAll(box: Outbox, error: PolySocketError): void {
  for (const request of box.byRequestId?.values() ?? [])
    settle(request, request.isWritten ? asMaybeDelivered(error) : error);
}
