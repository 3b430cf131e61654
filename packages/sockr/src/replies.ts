import { DeadlineTimer, PolySocketError, asMaybeDelivered, describeEvent, toPolySocketError } from '@polysocket/core';

interface Waiter {
  /** The request went out on the current link (its reply can only come on that link). */
  written: boolean;
  /** It went out on some link (the server may have acted on it). */
  wasWritten: boolean;
  events: ReadonlySet<string>;
  match?: (event: string, data: Record<string, unknown>) => boolean;
  deadline: number;
  timeoutMs: number;
  /** The server always answers it: its tombstone waits for that reply however late (until a drop). */
  answered: boolean;
  /** Timed out, but its reply may still come: it takes that reply silently, so it cannot answer a newer request. */
  tomb: boolean;
  /** A tombstone ahead of it took a reply this waiter could have matched: most likely its own. */
  robbed: boolean;
  /** Written again after a drop instead of failing. */
  resend: boolean;
  /** Times it was written again. */
  resends: number;
  send: (ttlMs: number) => Promise<boolean> | void;
  settle: (event: string, data: Record<string, unknown>) => void;
  fail: (error: PolySocketError) => void;
  expire: () => void;
}

/** The TIMEOUT advice of an unanswered request. */
const TIMEOUT_HINT = 'Sockr is silent on some refusals; to wait longer, raise requestTimeoutMs';
/** Tombstones kept at most (the oldest goes first). */
const MAX_TOMBS = 32;
/** A request whose link dropped after each of this many resends fails: it may be what the server closes the link over. */
const MAX_RESENDS = 3;

/**
 * Sockr replies carry no request id: each request waits for the first of its reply events that
 * matches (by a key such as groupId, or simply the oldest written waiter, in order). Timeouts share one
 * timer armed for the earliest deadline, as the core's requests do: a reply in time costs no timer call.
 *
 * A request that timed out after it was written is still owed a reply: it stays as a tombstone that
 * takes exactly one late reply, in order (else the next request would get it, e.g. another message's
 * messageId). At most 32 are kept, and a drop clears them (a reply only comes on the link that asked).
 * A request the server always answers (`answered`: a message send) keeps its tombstone until that reply
 * comes, however late, so any number of timed-out sends cannot shift the replies onto newer ones. One
 * the server may leave unanswered (a silent refusal) keeps it for one more timeout; when such a tombstone
 * took a reply while a newer request waited and that request times out too, the reply taken was most
 * likely the newer one's, so the newer one leaves no tombstone: one silent request cannot make every
 * later one time out.
 */
export class ReplyMatcher {
  private waiters: Waiter[] = [];
  /** Made with the first waiter. */
  private timer: DeadlineTimer | undefined;

  /** `sender.cannotSend()` says why nothing can be sent now (the client is idle or closed): requests then fail at once. */
  constructor(private readonly sender?: { cannotSend(): PolySocketError | undefined }) {}

  /**
   * Resolves with the data of `ok`, rejects with `fail(data)` for an error event, or TIMEOUT.
   * `send` runs after the waiter is registered, so a fast reply cannot be missed. A send the client
   * refuses (closed, too large, outbox full, expired while queued) rejects with that error at once.
   */
  expect<T>(options: {
    /** The event the request writes, named with `ok` in its TIMEOUT message. */
    request?: string;
    ok: string;
    errors?: string[];
    match?: (event: string, data: Record<string, unknown>) => boolean;
    timeoutMs: number;
    fail: (event: string, data: Record<string, unknown>) => PolySocketError;
    /**
     * Sends the request, to be dropped if still queued after `ttlMs`; resolves true once written
     * (false or never while it waits offline). Void: written at once.
     */
    send: (ttlMs: number) => Promise<boolean> | void;
    /** After a drop, send it again (on the next link) instead of failing with DISCONNECTED. */
    resendOnDrop?: boolean;
    /** The server always answers it (never a silent refusal): a tombstone waits for its reply however late. */
    answered?: boolean;
  }): Promise<T> {
    const refused = this.sender?.cannotSend();
    if (refused) return Promise.reject(refused);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        written: false,
        wasWritten: false,
        events: new Set([options.ok, ...(options.errors ?? [])]),
        match: options.match,
        deadline: Date.now() + options.timeoutMs,
        timeoutMs: options.timeoutMs,
        answered: options.answered === true,
        tomb: false,
        robbed: false,
        resend: options.resendOnDrop === true,
        resends: 0,
        send: options.send,
        settle: (event, data) => {
          if (event === options.ok) resolve(data as T);
          else reject(options.fail(event, data));
        },
        fail: (error) => reject(waiter.wasWritten ? asMaybeDelivered(error) : error),
        expire: () =>
          reject(
            new PolySocketError(
              'TIMEOUT',
              `no ${describeEvent(options.ok)}${options.request !== undefined ? ` for ${describeEvent(options.request)}` : ''} within ${options.timeoutMs} ms: ${TIMEOUT_HINT}`,
              {
                maybeDelivered: waiter.wasWritten,
              },
            ),
          ),
      };
      this.waiters.push(waiter);
      this.deadlines().include(waiter.deadline);
      this.transmit(waiter);
    });
  }

  /** Made here, not in `expect`: a closure made there would keep that call's waiter alive. */
  private deadlines(): DeadlineTimer {
    return (this.timer ??= new DeadlineTimer(() => this.sweep()));
  }

  private transmit(waiter: Waiter): void {
    let sent: Promise<boolean> | void;
    try {
      sent = waiter.send(Math.max(0, waiter.deadline - Date.now()));
    } catch (error) {
      if (this.remove(waiter)) waiter.fail(toError(error));
      return;
    }
    if (!sent) return this.onWritten(waiter, true);
    sent.then(
      (written) => this.onWritten(waiter, written),
      (error: unknown) => {
        // Not written: refused (closed, too large, outbox full, namespace gone) or expired while queued.
        if (!this.remove(waiter) || waiter.tomb) return;
        const failure = toError(error);
        if (failure.code === 'TIMEOUT') waiter.expire();
        else waiter.fail(failure);
      },
    );
  }

  private onWritten(waiter: Waiter, written: boolean): void {
    waiter.written = written;
    if (!written) return;
    waiter.wasWritten = true;
    if (waiter.tomb && !waiter.answered) {
      // It timed out while queued and has only now gone out: its reply is owed from now.
      waiter.deadline = Date.now() + waiter.timeoutMs;
      this.deadlines().include(waiter.deadline);
    }
  }

  /**
   * Offers an incoming event to the written waiters, oldest first; returns whether one took it. A `malformed`
   * reply (not the shape its event has) fails the request it answers with that error instead.
   */
  handle(event: string, data: Record<string, unknown>, malformed?: PolySocketError): boolean {
    const waiters = this.waiters;
    for (let i = 0; i < waiters.length; i++) {
      const waiter = waiters[i];
      if (!waiter.written || !matches(waiter, event, data)) continue;
      waiters.splice(i, 1);
      if (waiter.tomb) {
        for (let j = i; j < waiters.length; j++) {
          const next = waiters[j];
          if (!next.tomb && next.written && matches(next, event, data)) {
            // One the server always answers was not robbed: its own reply is still to come.
            if (!next.answered) next.robbed = true;
            break;
          }
        }
      } else if (malformed) {
        waiter.fail(malformed);
      } else {
        waiter.settle(event, data);
      }
      return true;
    }
    return false;
  }

  /**
   * The link dropped: a request written on it can no longer be answered (Sockr replies go to the
   * socket that asked) and its tombstone goes. With `resend` (the client reconnects), a request made
   * with `resendOnDrop` is sent again (up to 3 times), after what already waits to be sent and with a
   * fresh timeout; the others fail with `error`. Requests still waiting to be written keep waiting.
   */
  onDrop(error: PolySocketError, resend: boolean): void {
    const lost = this.waiters.filter((w) => w.written);
    this.waiters = this.waiters.filter((w) => !w.written);
    const again: Waiter[] = [];
    for (const waiter of lost) {
      if (waiter.tomb) continue;
      waiter.written = false;
      if (resend && waiter.resend && waiter.resends++ < MAX_RESENDS) again.push(waiter);
      else waiter.fail(error);
    }
    // Last in the list, as on the wire: replies are matched in the order the requests go out.
    for (const waiter of again) {
      waiter.deadline = Date.now() + waiter.timeoutMs;
      this.waiters.push(waiter);
      this.deadlines().include(waiter.deadline);
      this.transmit(waiter);
    }
  }

  /** Fails every waiter (the client closed) and releases the timer; a request already written may have been processed. */
  rejectAll(error: PolySocketError): void {
    const waiters = this.waiters;
    this.waiters = [];
    this.timer?.clear();
    for (const waiter of waiters) if (!waiter.tomb) waiter.fail(error);
  }

  private remove(waiter: Waiter): boolean {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
    return index >= 0;
  }

  /** Times out what is due (each leaves a tombstone unless robbed), drops expired tombstones, re-arms for the next deadline. */
  private sweep(): void {
    const now = Date.now();
    const expired: Waiter[] = [];
    let kept: Waiter[] = [];
    let tombs = 0;
    for (const waiter of this.waiters) {
      if (waiter.deadline <= now) {
        if (waiter.tomb) continue;
        expired.push(waiter);
        if (waiter.robbed) continue;
        waiter.tomb = true;
        // One that timed out while queued is still written later: its reply is owed from then.
        waiter.deadline = waiter.written && !waiter.answered ? now + waiter.timeoutMs : Infinity;
      }
      if (waiter.tomb) tombs++;
      kept.push(waiter);
    }
    if (tombs > MAX_TOMBS) {
      let extra = tombs - MAX_TOMBS;
      kept = kept.filter((w) => !(w.tomb && extra-- > 0));
    }
    this.waiters = kept;
    let next = Infinity;
    for (const waiter of kept) if (waiter.deadline < next) next = waiter.deadline;
    if (next !== Infinity) this.deadlines().include(next);
    for (const waiter of expired) waiter.expire();
  }
}

function toError(error: unknown): PolySocketError {
  return toPolySocketError(error, 'INVALID');
}

function matches(waiter: Waiter, event: string, data: Record<string, unknown>): boolean {
  return waiter.events.has(event) && (waiter.match === undefined || waiter.match(event, data));
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
