import { Store, toError } from './store';

/** One call of a `useRequest`/`usePublish` function, with its own state. */
export interface CallRecord<Args extends unknown[], Result> {
  /** Increasing per hook, from 1. */
  readonly id: number;
  readonly args: Args;
  readonly status: 'pending' | 'fulfilled' | 'rejected';
  /** Once fulfilled. */
  readonly result?: Result;
  /** Once rejected: the client's `PolySocketError` (a value that is not an Error is wrapped in one). */
  readonly error?: Error;
}

/** A snapshot of a hook's calls. */
export interface CallsSnapshot<Args extends unknown[], Result> {
  /** The calls in flight and the latest settled ones (at most `keep`), oldest first. */
  readonly calls: readonly CallRecord<Args, Result>[];
  /** Whether any call is in flight. */
  readonly pending: boolean;
  /** The most recent call, whatever its state. */
  readonly latest: CallRecord<Args, Result> | undefined;
}

/** The external store behind `useRequest`: each call a record of its own, replaced (never mutated) as it settles. */
export class CallStore<Args extends unknown[], Result> extends Store<CallsSnapshot<Args, Result>> {
  private last = 0;

  constructor(private readonly keep: number) {
    super({ calls: [], pending: false, latest: undefined });
  }

  /** Runs one call and records it; the promise is the call's own (pre-handled: ignoring it is not an unhandled rejection). */
  run(call: (...args: Args) => Promise<Result>, args: Args): Promise<Result> {
    const id = ++this.last;
    const write = (status: CallRecord<Args, Result>['status'], result?: Result, error?: unknown): void => {
      const record = { id, args, status, result, error: status === 'rejected' ? toError(error) : undefined };
      const { calls, latest } = this.value;
      this.publish(
        status === 'pending' ? [...calls, record] : calls.map((other) => (other.id === id ? record : other)),
        id < (latest?.id ?? 0) ? latest : record,
      );
    };
    // A call that throws is a rejected promise too.
    const promise = new Promise<Result>((resolve) => resolve(call(...args)));
    write('pending');
    void promise.then(
      (result) => write('fulfilled', result),
      (error: unknown) => write('rejected', undefined, error),
    );
    return promise;
  }

  /** Forgets the settled calls. */
  clear(): void {
    this.publish(this.value.calls, this.value.latest, 0);
  }

  /** Keeps every call in flight and the latest `keep` settled ones (oldest first, as they were made). */
  private publish(
    calls: readonly CallRecord<Args, Result>[],
    latest: CallRecord<Args, Result> | undefined,
    keep = this.keep,
  ): void {
    let over = calls.filter((call) => call.status !== 'pending').length - keep;
    calls = calls.filter((call) => call.status === 'pending' || over-- <= 0);
    this.set({ calls, pending: calls.some((call) => call.status === 'pending'), latest });
  }
}
