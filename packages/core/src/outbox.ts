import type { ConnectionState } from './connection-types';
import { DeadlineTimer } from './deadline-timer';
import { PolySocketError } from './errors';
import { timeOut, type PendingRequest, type RequestId } from './requests';
import type { EncodedFrame, TransportData } from './transport';

/**
 * Whether a queued entry may be written now: true, false (wait; it also holds back everything
 * behind it, to keep the order), or an error to drop it with.
 */
export type Gate = () => boolean | PolySocketError;

/** Something queued to be written once the session is usable again. */
export interface OutboxEntry {
  readonly data: EncodedFrame;
  /** Counted against `maxBytes`: string length, or byte length for binary. */
  readonly size: number;
  /** Epoch ms after which the entry is dropped with TIMEOUT; Infinity for never. */
  readonly expiresAt: number;
  /** Called once the data was handed to the transport. */
  written(): void;
  /** Called once if the entry is dropped (expired, rejected at close). */
  failed(error: PolySocketError): void;
  readonly gate?: Gate;
}

export interface OutboxOptions {
  /** Default 1000 entries. */
  maxMessages?: number;
  /** Default 1 MiB (strings are counted in UTF-16 code units). */
  maxBytes?: number;
}

export function sizeOf(data: EncodedFrame): number {
  return typeof data === 'string'
    ? data.length
    : Array.isArray(data)
      ? (data as readonly TransportData[]).reduce((total: number, part) => total + sizeOf(part), 0)
      : (data as ArrayBuffer | Uint8Array).byteLength;
}

/**
 * A client's outbound bookkeeping, made with its first queued send or request: the bounded FIFO of what waits
 * to be written (nothing leaves it silently), the requests awaiting their replies (`requests.ts`), and one
 * deadline timer for both, armed for the earliest TTL expiry or request timeout (a request answered in time
 * costs no timer call). The functions below and in `requests.ts` run it.
 */
export class Outbox extends DeadlineTimer {
  /** @internal What waits to be written, in order. */
  queueList: OutboxEntry[] = [];
  /** What the queued entries count against `maxBytes` (read-only for everyone else). */
  bytes = 0;
  /** @internal Requests awaiting their reply, by id: made with the first, dropped with the last (~150 bytes idle). */
  byRequestId: Map<RequestId, PendingRequest> | undefined;
  /** @internal Request ids grow for the life of the client and are never reused: a late reply cannot hit a new request. */
  lastId = 0;

  constructor(
    /** @internal */ readonly limits: OutboxOptions = {},
    /** @internal Its client, whose state a request that was never written names in its TIMEOUT. */
    readonly owner?: { readonly state: ConnectionState },
  ) {
    super(sweep);
  }

  get length(): number {
    return this.queueList.length;
  }
}

/** Appends, or returns the OUTBOX_FULL error (and keeps nothing) when a bound would be crossed. */
export function enqueue(box: Outbox, entry: OutboxEntry): PolySocketError | undefined {
  const { maxMessages = 1000, maxBytes = 1_048_576 /* 1 MiB: esbuild does not fold 1024 * 1024 */ } = box.limits;
  const length = box.queueList.length;
  if (length >= maxMessages || box.bytes + entry.size > maxBytes)
    return new PolySocketError(
      'OUTBOX_FULL',
      `outbox full (${length} messages, ${box.bytes} bytes): wait for the client to reconnect, or raise outbox.maxMessages / maxBytes`,
    );
  putBack(box, [entry], true);
}

/** Puts entries back at the front (or at the end), in their order, ignoring the bounds (they were accepted before). */
export function putBack(box: Outbox, entries: OutboxEntry[], atEnd?: boolean): void {
  box.queueList = atEnd ? box.queueList.concat(entries) : entries.concat(box.queueList);
  for (const entry of entries) {
    box.bytes += entry.size;
    box.include(entry.expiresAt);
  }
}

export function unqueue(box: Outbox, entry: OutboxEntry): void {
  const index = box.queueList.indexOf(entry);
  if (index >= 0) {
    box.queueList.splice(index, 1);
    box.bytes -= entry.size;
  }
}

/**
 * Writes entries in order. Stops at the first write that throws (the link is going down), or at an entry whose
 * gate says wait, and keeps that entry and the rest. An entry whose gate (or `refuse`) returns an error is dropped
 * with it.
 */
export function flushBox(
  box: Outbox,
  write: (data: EncodedFrame) => void,
  refuse: (entry: OutboxEntry) => PolySocketError | undefined,
): void {
  sweep.call(box);
  for (let entry; (entry = box.queueList[0]);) {
    let verdict = entry.gate?.() ?? true;
    // A gate that lets the entry go does not exempt it from `refuse` (a size limit learned since it was queued).
    if (verdict === true) verdict = refuse(entry) ?? true;
    if (verdict === false) return;
    if (verdict === true)
      try {
        write(entry.data);
      } catch {
        return;
      }
    box.queueList.shift();
    box.bytes -= entry.size;
    if (verdict === true) entry.written();
    else entry.failed(verdict);
  }
  // Nothing left to expire; pending requests keep their deadlines.
  if (!box.byRequestId) box.clear();
}

/** Empties the queue (and releases the timer) and returns what it held, for the caller to fail once its state is settled. */
export function takeAll(box: Outbox): OutboxEntry[] {
  const taken = box.queueList;
  box.queueList = [];
  box.bytes = 0;
  box.clear();
  return taken;
}

/** The timer's callback (`this` is the outbox): fails what expired or timed out, and re-arms for the next deadline. */
function sweep(this: Outbox): void {
  const now = Date.now();
  const queued = this.queueList;
  this.queueList = [];
  this.bytes = 0;
  putBack(
    this,
    queued.filter((entry) => entry.expiresAt > now),
    true,
  );
  for (const entry of queued)
    if (entry.expiresAt <= now) entry.failed(new PolySocketError('TIMEOUT', 'expired in the outbox (ttlMs)'));
  this.include(timeOut(this, now));
}
