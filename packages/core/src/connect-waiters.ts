import type { AnyConnection } from './connection';
import { PolySocketError } from './errors';
import { schedule } from './link-loss';

/** One `connect()` call waiting, until `deadline` (Infinity: until the client is connected or ends). */
export interface ConnectWaiter {
  deadline: number;
  resolve(): void;
  reject(error: PolySocketError): void;
}

/**
 * A `connect()` promise: it settles when the client is connected or ends, or after `connectWaitMs` — then it
 * rejects with TIMEOUT and the last attempt's error as the cause, while the client keeps trying. The deadlines
 * share the client's one timer (`schedule`).
 */
export function waitConnected(c: AnyConnection): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const ms = c.tuning.connectWaitMs ?? 20_000;
    const deadline = ms > 0 ? Date.now() + ms : Infinity;
    (c.waiters ?? (c.waiters = [])).push({ deadline, resolve, reject });
    schedule(c);
  });
}

/** Settles every waiting `connect()`: resolved, or rejected with `error`. */
export function settleWaiters(c: AnyConnection, error?: PolySocketError): void {
  const waiters = c.waiters ?? [];
  c.waiters = undefined;
  schedule(c);
  for (const waiter of waiters) {
    if (error) waiter.reject(error);
    else waiter.resolve();
  }
}

/** Rejects the calls whose deadline has passed: the client keeps trying. */
export function expireWaiters(c: AnyConnection, now: number): void {
  const last = c.lastLoss;
  c.waiters = c.waiters?.filter((waiter) => {
    const waiting = waiter.deadline > now;
    if (!waiting)
      waiter.reject(
        new PolySocketError('TIMEOUT', `not connected yet${last ? ` (${last.message})` : ''}; still trying`, {
          cause: last,
        }),
      );
    return waiting;
  });
}
