import { DeadlineTimer, PolySocketError } from '@polysocket/core';

interface Waiter {
  /** The request went out on the current link (its reply can only come on that link). */
  written: boolean;
  events: ReadonlySet<string>;
  match?: (event: string, data: Record<string, unknown>) => boolean;
  deadline: number;
  settle: (event: string, data: Record<string, unknown>) => void;
  expire: () => void;
}

/**
 * Sockr replies carry no request id: each request waits for the first of its reply events that
 * matches (by a key such as groupId, or simply the oldest waiter, in order). Timeouts share one timer
 * armed for the earliest deadline, as the core's requests do: a reply in time costs no timer call.
 */
export class ReplyMatcher {
  private waiters: Waiter[] = [];
  /** Made with the first waiter. */
  private timer: DeadlineTimer | undefined;

  /** `refuse` says why nothing can be sent now (the client is idle or closed): requests then fail at once. */
  constructor(private readonly refuse?: () => PolySocketError | undefined) {}

  /**
   * Resolves with the data of `ok`, rejects with `fail(data)` for an error event, or TIMEOUT.
   * `send` runs after the waiter is registered, so a fast reply cannot be missed. A send the client
   * refuses (closed, too large, outbox full) rejects with that error at once.
   */
  expect<T>(options: {
    ok: string;
    errors?: string[];
    match?: (event: string, data: Record<string, unknown>) => boolean;
    timeoutMs: number;
    fail: (event: string, data: Record<string, unknown>) => PolySocketError;
    /** Sends the request; resolves true once written (false or never while it waits offline). */
    send: () => Promise<boolean> | void;
  }): Promise<T> {
    const refused = this.refuse?.();
    if (refused) return Promise.reject(refused);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        written: false,
        events: new Set([options.ok, ...(options.errors ?? [])]),
        match: options.match,
        deadline: Date.now() + options.timeoutMs,
        settle: (event, data) => {
          if (event === options.ok) resolve(data as T);
          else if (data.error instanceof PolySocketError) reject(data.error);
          else reject(options.fail(event, data));
        },
        expire: () => reject(new PolySocketError('TIMEOUT', `no ${options.ok} within ${options.timeoutMs} ms`, { maybeDelivered: waiter.written })),
      };
      this.waiters.push(waiter);
      this.deadlines().include(waiter.deadline);
      try {
        const sent = options.send();
        if (sent) {
          sent.then(
            (written) => (waiter.written = written),
            (error: unknown) => {
              // Never written: the client refused it (closed, too large, outbox full, namespace gone).
              if (this.remove(waiter)) reject(error);
            },
          );
        }
      } catch (error) {
        this.remove(waiter);
        reject(error);
      }
    });
  }

  /** Made here, not in `expect`: a closure made there would keep that call's waiter alive. */
  private deadlines(): DeadlineTimer {
    return (this.timer ??= new DeadlineTimer(() => this.sweep()));
  }

  /** Offers an incoming event to the waiters, oldest first; returns whether one took it. */
  handle(event: string, data: Record<string, unknown>): boolean {
    for (let i = 0; i < this.waiters.length; i++) {
      const waiter = this.waiters[i];
      if (!waiter.events.has(event) || (waiter.match && !waiter.match(event, data))) continue;
      this.waiters.splice(i, 1);
      waiter.settle(event, data);
      return true;
    }
    return false;
  }

  /**
   * The link dropped: a request written on it can no longer be answered (Sockr replies go to the
   * socket that asked). Those fail with `error`; requests still waiting to be written keep waiting.
   */
  rejectWritten(error: PolySocketError): void {
    const lost = this.waiters.filter((w) => w.written);
    this.waiters = this.waiters.filter((w) => !w.written);
    for (const waiter of lost) waiter.settle('__dropped__', { error });
  }

  /** Fails every waiter (the client closed) and releases the timer; a request already written may have been processed. */
  rejectAll(error: PolySocketError): void {
    const waiters = this.waiters;
    this.waiters = [];
    this.timer?.clear();
    let written: PolySocketError | undefined;
    for (const waiter of waiters) {
      const failure = waiter.written
        ? (written ??= new PolySocketError(error.code, error.message, { retryable: error.retryable, cause: error.cause, maybeDelivered: true }))
        : error;
      waiter.settle('__closed__', { error: failure });
    }
  }

  private remove(waiter: Waiter): boolean {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
    return index >= 0;
  }

  /** Times out what is due and re-arms for the next deadline. */
  private sweep(): void {
    const now = Date.now();
    let next = Infinity;
    for (const waiter of [...this.waiters]) {
      if (waiter.deadline <= now) {
        this.remove(waiter);
        waiter.expire();
      } else if (waiter.deadline < next) {
        next = waiter.deadline;
      }
    }
    if (next !== Infinity) this.deadlines().include(next);
  }
}

/** At most `limit` tasks at once, started in call order. */
export class Limiter {
  private running = 0;
  private queue: (() => void)[] | undefined;

  constructor(private readonly limit: number) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.running++;
        task()
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            this.queue?.shift()?.();
          });
      };
      if (this.running < this.limit) start();
      else (this.queue ??= []).push(start);
    });
  }
}
