import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { DocumentLike } from '@polysocket/core';

// `gc` without restarting the worker with --expose-gc: a context created after the flag is set has it.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (() => void) | undefined;
if (typeof gc !== 'function') throw new Error('could not expose gc(): the heap figures would be meaningless');

export interface HeapFigure {
  /** Every V8 heap space in use (what `process.memoryUsage().heapUsed` reports). */
  used: number;
  /** Of which compiled code: it grows while the JIT optimises hot paths, then stays flat. */
  code: number;
}

/** The heap after several full collections, with the event loop turned in between (finalizers, closed sockets). */
export async function settledHeap(): Promise<HeapFigure> {
  let least: HeapFigure = { used: Infinity, code: 0 };
  for (let i = 0; i < 6; i++) {
    gc!();
    await new Promise((resolve) => setImmediate(resolve));
    const used = process.memoryUsage().heapUsed;
    if (used < least.used)
      least = { used, code: getHeapSpaceStatistics().find((s) => s.space_name === 'code_space')?.space_used_size ?? 0 };
  }
  return least;
}

/** Active handles and requests by type, as Node reports them (TCPSocketWrap, Timeout, ...). */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/**
 * The baseline to compare with: taken once vitest's own throttled report timer (100 ms) has fired,
 * so a transient timer of the runner cannot hide a timer a client leaked.
 */
export async function quietResources(): Promise<Record<string, number>> {
  await new Promise((resolve) => setTimeout(resolve, 150));
  return activeResources();
}

/** Whether no type of resource is above its baseline count. */
export function atOrBelow(baseline: Record<string, number>, now = activeResources()): boolean {
  return Object.keys(now).every((type) => now[type] <= (baseline[type] ?? 0));
}

/** Listener counts on `process` (a client must never register exit or error hooks and forget them). */
export function processListeners(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of process.eventNames()) counts[String(event)] = process.listenerCount(event);
  return counts;
}

/**
 * Stands in for `window` and `document` in the browser hooks, so the runs check that every online,
 * offline and visibility listener a client adds is removed again.
 */
export class CountingTarget implements DocumentLike {
  readonly visibilityState = 'visible';
  private readonly live = new Set<string>();
  private ids = new WeakMap<() => void, number>();
  private nextId = 0;

  addEventListener(type: string, listener: () => void): void {
    this.live.add(this.key(type, listener));
  }

  removeEventListener(type: string, listener: () => void): void {
    this.live.delete(this.key(type, listener));
  }

  get listeners(): number {
    return this.live.size;
  }

  private key(type: string, listener: () => void): string {
    let id = this.ids.get(listener);
    if (id === undefined) this.ids.set(listener, (id = this.nextId++));
    return `${type}#${id}`;
  }
}

export const MB = 1024 * 1024;

export function mb(bytes: number): string {
  return `${(bytes / MB).toFixed(2)} MB`;
}
