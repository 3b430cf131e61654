import { PolySocketError } from '@polysocket/core';

/**
 * Follows requests made under chaos: each must settle, either resolved or rejected with a typed
 * `PolySocketError`. Anything else (a plain Error, a TypeError) is recorded as a stray.
 */
export class RequestLedger {
  started = 0;
  resolved = 0;
  readonly rejected: Record<string, number> = {};
  readonly strays: unknown[] = [];

  get settled(): number {
    return this.resolved + Object.values(this.rejected).reduce((a, b) => a + b, 0) + this.strays.length;
  }

  get open(): number {
    return this.started - this.settled;
  }

  track<T>(promise: Promise<T>, check?: (value: T) => boolean): void {
    this.started++;
    promise.then(
      (value) => {
        if (check && !check(value))
          this.strays.push(new Error(`a request resolved with the wrong reply: ${JSON.stringify(value)}`));
        else this.resolved++;
      },
      (error: unknown) => {
        if (error instanceof PolySocketError) this.rejected[error.code] = (this.rejected[error.code] ?? 0) + 1;
        else this.strays.push(error);
      },
    );
  }

  summary(): string {
    const errors = Object.entries(this.rejected)
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
    return `${this.started} requests: ${this.resolved} resolved, rejected ${errors || 'none'}`;
  }
}

/** Active timers in this process (Node's own count, as `getActiveResourcesInfo` reports it). */
export function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;
}
