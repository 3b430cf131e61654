import { PolySocketError } from './errors';
import { DeadlineTimer } from './deadline-timer';
import type { EncodedFrame, TransportData } from './transport';

/**
 * Whether a queued entry may be written now: true, false (wait; it also holds back everything
 * behind it, to keep the order), or an error to drop it with.
 */
export type Gate = () => boolean | PolySocketError;

/** Something queueList to be written once the session is usable again. */
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
 * A bounded FIFO of sends made while not connected. Nothing leaves it silently. It is its own deadline timer,
 * armed for the earliest expiry.
 */
export class Outbox extends DeadlineTimer {
  private queueList: OutboxEntry[] = [];
  /** What the entries count against `maxBytes` (read-only for everyone else). */
  bytes = 0;
  constructor(private readonly limits: OutboxOptions = {}) {
    super(Outbox.prototype.sweep);
  }

  get length(): number {
    return this.queueList.length;
  }

  /** Appends, or returns the OUTBOX_FULL error (and keeps nothing) when a bound would be crossed. */
  push(entry: OutboxEntry): PolySocketError | undefined {
    const { maxMessages = 1000, maxBytes = 1_048_576 /* 1 MiB: esbuild does not fold 1024 * 1024 */ } = this.limits;
    if (this.queueList.length >= maxMessages || this.bytes + entry.size > maxBytes)
      return new PolySocketError('OUTBOX_FULL', `outbox full (${this.queueList.length} messages, ${this.bytes} bytes)`);
    this.unshift([entry], true);
  }

  /** Puts entries back at the front (or at the end), in their order, ignoring the bounds (they were accepted before). */
  unshift(entries: OutboxEntry[], atEnd?: boolean): void {
    this.queueList = atEnd ? this.queueList.concat(entries) : entries.concat(this.queueList);
    for (const entry of entries) {
      this.bytes += entry.size;
      this.include(entry.expiresAt);
    }
  }

  remove(entry: OutboxEntry): void {
    const index = this.queueList.indexOf(entry);
    if (index >= 0) {
      this.queueList.splice(index, 1);
      this.bytes -= entry.size;
    }
  }

  /**
   * Writes entries in order. Stops at the first write that throws (the link is going down), or at
   * an entry whose gate says wait, and keeps that entry and the rest. An entry whose gate (or `refuse`)
   * returns an error is dropped with it. Returns whether everything was written.
   */
  flush(write: (data: EncodedFrame) => void, refuse?: (entry: OutboxEntry) => PolySocketError | undefined): boolean {
    this.sweep();
    for (let entry; (entry = this.queueList[0]);) {
      let verdict = entry.gate?.() ?? true;
      // A gate that lets the entry go does not exempt it from `refuse` (a size limit learned since it was queued).
      if (verdict === true) verdict = refuse?.(entry) ?? true;
      if (verdict === false) return false;
      if (verdict === true)
        try {
          write(entry.data);
        } catch {
          return false;
        }
      this.queueList.shift();
      this.bytes -= entry.size;
      if (verdict === true) entry.written();
      else entry.failed(verdict);
    }
    this.clear();
    return true;
  }

  /** Empties the outbox and returns what it held, for the caller to fail once its own state is settled. */
  takeAll(): OutboxEntry[] {
    const taken = this.queueList;
    this.queueList = [];
    this.bytes = 0;
    this.clear();
    return taken;
  }

  /** The timer's callback (`this` is the outbox): fails what expired, and re-arms the timer for the next expiry. */
  private sweep(): void {
    const now = Date.now();
    const entries = this.takeAll();
    this.unshift(entries.filter((entry) => entry.expiresAt > now));
    for (const entry of entries)
      if (entry.expiresAt <= now) entry.failed(new PolySocketError('TIMEOUT', 'expired in the outbox (ttlMs)'));
  }
}
