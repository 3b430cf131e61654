import { PolySocketError } from './errors';
import { timerDelay } from './timing';
import type { EncodedFrame } from './transport';

/** Something waiting to be written once the session is usable again. */
/**
 * Whether a queued entry may be written now: true, false (wait; it also holds back everything
 * behind it, to keep the order), or an error to drop it with.
 */
export type Gate = () => boolean | PolySocketError;

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
  if (typeof data === 'string') return data.length;
  if (Array.isArray(data)) {
    let total = 0;
    for (const part of data as readonly (string | ArrayBuffer | Uint8Array)[])
      total += typeof part === 'string' ? part.length : part.byteLength;
    return total;
  }
  return (data as ArrayBuffer | Uint8Array).byteLength;
}

/** A bounded FIFO of sends made while not connected. Nothing leaves it silently. */
export class Outbox {
  private entries: OutboxEntry[] = [];
  private totalBytes = 0;
  private sweepTimer: ReturnType<typeof setTimeout> | undefined;
  private sweepAt = Infinity;
  readonly maxMessages: number;
  readonly maxBytes: number;

  constructor(options: OutboxOptions = {}) {
    this.maxMessages = options.maxMessages ?? 1000;
    this.maxBytes = options.maxBytes ?? 1024 * 1024;
  }

  get length(): number {
    return this.entries.length;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** Appends, or returns the OUTBOX_FULL error (and keeps nothing) when a bound would be crossed. */
  push(entry: OutboxEntry): PolySocketError | undefined {
    if (this.entries.length + 1 > this.maxMessages || this.totalBytes + entry.size > this.maxBytes) {
      return new PolySocketError(
        'OUTBOX_FULL',
        `outbox full (${this.entries.length}/${this.maxMessages} messages, ${this.totalBytes}/${this.maxBytes} bytes)`,
      );
    }
    this.entries.push(entry);
    this.totalBytes += entry.size;
    if (entry.expiresAt < this.sweepAt) this.scheduleSweep(entry.expiresAt);
    return undefined;
  }

  /** Puts entries back at the front, in their order, ignoring the bounds (they were accepted before). */
  unshift(entries: OutboxEntry[]): void {
    if (entries.length === 0) return;
    this.entries = entries.concat(this.entries);
    for (const entry of entries) {
      this.totalBytes += entry.size;
      if (entry.expiresAt < this.sweepAt) this.scheduleSweep(entry.expiresAt);
    }
  }

  remove(entry: OutboxEntry): boolean {
    const index = this.entries.indexOf(entry);
    if (index < 0) return false;
    this.entries.splice(index, 1);
    this.totalBytes -= entry.size;
    return true;
  }

  /**
   * Writes entries in order. Stops at the first write that throws (the link is going down), or at
   * an entry whose gate says wait, and keeps that entry and the rest. An entry whose gate (or `refuse`)
   * returns an error is dropped with it. Returns whether everything was written.
   */
  flush(write: (data: EncodedFrame) => void, refuse?: (entry: OutboxEntry) => PolySocketError | undefined): boolean {
    this.sweep();
    while (this.entries.length > 0) {
      const entry = this.entries[0];
      const verdict = entry.gate?.();
      // A gate that lets the entry go does not exempt it from `refuse` (a size limit learned since it was queued).
      const gate = verdict === undefined || verdict === true ? (refuse?.(entry) ?? verdict) : verdict;
      if (gate === false) return false;
      if (gate !== undefined && gate !== true) {
        this.entries.shift();
        this.totalBytes -= entry.size;
        entry.failed(gate);
        continue;
      }
      try {
        write(entry.data);
      } catch {
        return false;
      }
      this.entries.shift();
      this.totalBytes -= entry.size;
      entry.written();
    }
    this.cancelSweep();
    return true;
  }

  /** Empties the outbox and returns what it held, for the caller to fail once its own state is settled. */
  takeAll(): OutboxEntry[] {
    const taken = this.entries;
    this.entries = [];
    this.totalBytes = 0;
    this.cancelSweep();
    return taken;
  }

  /** Drops every entry, failing each with `error`. Returns how many were dropped. */
  rejectAll(error: PolySocketError): number {
    const dropped = this.takeAll();
    for (const entry of dropped) entry.failed(error);
    return dropped.length;
  }

  /** Releases the timer without touching entries. */
  dispose(): void {
    this.cancelSweep();
  }

  private sweep(): void {
    const now = Date.now();
    let next = Infinity;
    const kept: OutboxEntry[] = [];
    const expired: OutboxEntry[] = [];
    for (const entry of this.entries) {
      if (entry.expiresAt <= now) expired.push(entry);
      else {
        kept.push(entry);
        if (entry.expiresAt < next) next = entry.expiresAt;
      }
    }
    this.cancelSweep();
    if (expired.length > 0) {
      this.entries = kept;
      for (const entry of expired) this.totalBytes -= entry.size;
      for (const entry of expired) {
        entry.failed(new PolySocketError('TIMEOUT', 'message expired in the outbox before the connection came back'));
      }
    }
    if (next !== Infinity) this.scheduleSweep(next);
  }

  private scheduleSweep(at: number): void {
    this.cancelSweep();
    this.sweepAt = at;
    this.sweepTimer = setTimeout(
      () => {
        this.sweepTimer = undefined;
        this.sweepAt = Infinity;
        this.sweep();
      },
      timerDelay(at - Date.now()),
    );
  }

  private cancelSweep(): void {
    if (this.sweepTimer !== undefined) clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    this.sweepAt = Infinity;
  }
}
