import { DeadlineTimer } from './deadline-timer';
import { PolySocketError } from './errors';

interface Waiter {
  resolve(): void;
  reject(error: PolySocketError): void;
  deadline: number;
}

/**
 * The promises of `connect()` calls. Each settles when the client is connected, ends, or its deadline
 * passes — then it rejects with TIMEOUT and the last attempt's error as the cause, while the client keeps
 * trying in the background. One timer serves every waiter, made on first use.
 */
export class ConnectWaiters {
  private waiters: Waiter[] | undefined;
  private timer: DeadlineTimer | undefined;

  constructor(private readonly lastError: () => PolySocketError | undefined) {}

  /** A promise that settles with the client; `waitMs` of Infinity (or ≤ 0) waits for ever. */
  add(waitMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const deadline = waitMs > 0 && Number.isFinite(waitMs) ? Date.now() + waitMs : Infinity;
      (this.waiters ??= []).push({ resolve, reject, deadline });
      if (deadline !== Infinity) (this.timer ??= new DeadlineTimer(() => this.expire())).include(deadline);
    });
  }

  resolveAll(): void {
    for (const waiter of this.take()) waiter.resolve();
  }

  rejectAll(error: PolySocketError): void {
    for (const waiter of this.take()) waiter.reject(error);
  }

  private take(): Waiter[] {
    const waiters = this.waiters ?? [];
    this.waiters = undefined;
    this.timer?.clear();
    return waiters;
  }

  private expire(): void {
    const now = Date.now();
    const due: Waiter[] = [];
    const kept: Waiter[] = [];
    let next = Infinity;
    for (const waiter of this.waiters ?? []) {
      if (waiter.deadline <= now) due.push(waiter);
      else {
        kept.push(waiter);
        if (waiter.deadline < next) next = waiter.deadline;
      }
    }
    this.waiters = kept.length > 0 ? kept : undefined;
    if (next !== Infinity) this.timer?.include(next);
    if (due.length === 0) return;
    const last = this.lastError();
    const error = new PolySocketError(
      'TIMEOUT',
      `not connected yet${last ? ` (last attempt: ${last.message})` : ''}; the client keeps trying — listen to 'state' or call close()`,
      { cause: last },
    );
    for (const waiter of due) waiter.reject(error);
  }
}
