import type { AnyConnection } from './connection';
import { PolySocketError } from './errors';
import { timerDelay } from './timing';

/** One `connect()` call waiting: settles it (rejects when given an error) and releases its timer. */
export type ConnectWaiter = (error?: PolySocketError) => void;

/**
 * A `connect()` promise: it settles when the client is connected or ends, or after `connectWaitMs` — then it
 * rejects with TIMEOUT and the last attempt's error as the cause, while the client keeps trying. Its timer
 * exists only while it waits (a few calls at most), and is released when it settles.
 */
export function waitConnected(c: AnyConnection): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const ms = c.tuning.connectWaitMs ?? 20_000;
    const settle: ConnectWaiter = (error) => {
      clearTimeout(timer);
      c.waiters?.delete(settle);
      if (error) reject(error);
      else resolve();
    };
    const timer =
      ms > 0 && ms < Infinity
        ? setTimeout(() => {
            const last = c.lastError;
            settle(
              new PolySocketError('TIMEOUT', `not connected yet${last ? ` (${last.message})` : ''}; still trying`, {
                cause: last,
              }),
            );
          }, timerDelay(ms))
        : undefined;
    (c.waiters ??= new Set()).add(settle);
  });
}

/** Settles every waiting `connect()`: resolved, or rejected with `error`. */
export function settleWaiters(c: AnyConnection, error?: PolySocketError): void {
  const waiters = c.waiters;
  c.waiters = undefined;
  waiters?.forEach((settle) => settle(error));
}
