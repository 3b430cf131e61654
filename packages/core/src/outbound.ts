import type { AnyConnection } from './connection';
import { PolySocketError, toPolySocketError } from './errors';
import { alive } from './heartbeat';
import { oversize } from './message-size';
import { enqueue, Outbox, type Gate, type OutboxEntry } from './outbox';
import { addRequest, type RequestId, type RequestOptions } from './requests';
import type { EncodedFrame, Transport, TransportData } from './transport';

/**
 * The outbound path shared by `send()`, `request()` and the restore's requests: the client's state, the
 * gate, encoding and the size rule, then written at once or queued in the outbox.
 */

/**
 * Made on first use: an idle client that never queues carries none. (`x ?? (x = …)` rather than `x ??= …`:
 * for ES2020, esbuild lowers `??=` on a mangled name to a temporary and two computed keys.)
 */
export function outboxOf(c: AnyConnection): Outbox {
  return c.outboxStore ?? (c.outboxStore = new Outbox(c.tuning.outbox, c));
}

/**
 * Whether a message may go now: an error when the client's state or the gate refuses it, false when the gate
 * says wait, else true. `direct` (restore frames) skips both.
 */
export function verdict(c: AnyConnection, gate: Gate | undefined, direct?: boolean): boolean | PolySocketError {
  return direct || ((c.cannotSend() ?? gate?.() ?? true) as boolean | PolySocketError);
}

/** The frame `make` builds, encoded, or why it cannot be sent (it does not encode, it is over the size limit). */
export function encodeOut(c: AnyConnection, make: () => unknown): EncodedFrame | PolySocketError {
  let data: EncodedFrame;
  try {
    data = c.protocol.encode(make());
  } catch (error) {
    return toPolySocketError(error, 'INVALID', 'could not encode the message');
  }
  return sizeError(c, data) ?? data;
}

/** TOO_LARGE for data with a message over the send limit. */
export function sizeError(c: AnyConnection, data: EncodedFrame): PolySocketError | undefined {
  const limit = c.sendLimit;
  const size = oversize(data, limit);
  return size
    ? new PolySocketError('TOO_LARGE', `message of ${size} bytes is over the ${limit}-byte limit`)
    : undefined;
}

/** The app's or the adapter's limit, before a server announced its own. */
export function configuredLimit(c: AnyConnection): number {
  const limit = c.tuning.maxMessageSize ?? c.protocol.maxMessageSize;
  return typeof limit === 'number' && limit > 0 ? limit : Infinity;
}

/**
 * Writes `data` now if the session is up (the heartbeat's deadlines checked against the clock) and nothing
 * waits before it. `direct` (the restore's requests) goes ahead of the outbox while the session is being
 * restored. False when it was not written.
 */
export function writeNow(c: AnyConnection, data: EncodedFrame, bypass?: boolean, direct?: boolean): boolean {
  const link = c.activeLink;
  if (!link || (!direct && (c.state !== 'connected' || (!bypass && c.outboxStore?.length)))) return false;
  if (link.beat && !alive(link)) return false;
  try {
    writeTo(link.transport, data);
    return true;
  } catch {
    // The transport went away under us: the message waits like any send while disconnected.
    return false;
  }
}

/** Queues `entry` (failing it with OUTBOX_FULL when a bound would be crossed) and writes what may go. */
export function queue(c: AnyConnection, entry: OutboxEntry): void {
  const full = enqueue(outboxOf(c), entry);
  if (full) entry.failed(full);
  else c.flush();
}

/**
 * A request built around a fresh id. `direct` (the restore's requests) is written at once, ahead of the
 * outbox, whatever the state: a link that cannot take it rejects it with DISCONNECTED.
 */
export function makeRequest<In, R extends In>(
  c: AnyConnection,
  build: (id: RequestId) => unknown,
  options: RequestOptions,
  direct?: boolean,
): Promise<R> {
  const signal = options.signal;
  const go = signal?.aborted
    ? new PolySocketError('ABORTED', 'aborted before it was sent', { cause: signal.reason })
    : verdict(c, options.gate, direct);
  if (go instanceof PolySocketError) return Promise.reject(go);
  const box = outboxOf(c);
  const id = options.id ?? ++box.lastId;
  const data = encodeOut(c, () => build(id));
  if (data instanceof PolySocketError) return Promise.reject(data);
  const request = addRequest(box, id, data, options, options.timeoutMs ?? c.tuning.requestTimeoutMs ?? 10_000);
  if (go && writeNow(c, data, options.bypassOutbox, direct)) request.written();
  else if (direct)
    request.failed(new PolySocketError('DISCONNECTED', 'the link closed before the request was written'));
  else queue(c, request);
  return request.replyPromise as Promise<R>;
}

export function writeTo(transport: Transport, data: EncodedFrame): void {
  if (Array.isArray(data)) for (const part of data as readonly TransportData[]) transport.send(part);
  else transport.send(data as TransportData);
}

/** Marks a promise as handled, so a caller that ignores it causes no unhandled rejection. */
export function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
