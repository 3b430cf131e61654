import { timerDelay } from './timing';

/**
 * One timer for many deadlines, armed for the earliest: an owner with many pending items calls
 * `include(deadline)` for each and, when the timer fires, times out what is due and includes the
 * next deadline again. An item that settles in time costs no timer call.
 *
 * The armed DeadlineTimers of a page or process share one runtime timer, armed for the earliest of them all (a
 * Node `Timeout` is ≈ 0.2 KB, and every idle client kept one or two). Each due timer still fires in a task of its
 * own, earliest first (of equal deadlines, the first armed).
 */
export class DeadlineTimer {
  /** @internal When the timer is due; Infinity: not armed. */
  dueAt = Infinity;
  /** @internal The clock it is armed on. */
  clock: Clock | undefined;

  /** `onDue` is called as the timer's method (`this` is the timer), with the deadline it was armed for. */
  constructor(/** @internal */ readonly onDue: (at: number) => void) {}

  /** Makes sure the timer fires no later than `at`. */
  include(at: number): void {
    if (at < this.dueAt) {
      if (this.dueAt === Infinity) {
        let clock = clocks.get(setTimeout);
        if (!clock) clocks.set(setTimeout, (clock = new Clock()));
        (this.clock = clock).armed.add(this);
      }
      this.clock!.armFor((this.dueAt = at));
    }
  }

  clear(): void {
    this.dueAt = Infinity;
    const clock = this.clock;
    // The last one out releases the runtime timer; otherwise it stays as it is, and if it was armed for this
    // one it fires once for nothing and is armed again then (a request answered in time costs no timer call).
    if (clock?.armed.delete(this) && !clock.armed.size) clock.armFor(-1);
  }
}

/**
 * The runtime timer of one `setTimeout` (tests swap it for a fake clock's: a timer armed on a clock stays on it,
 * as a timer of its own would) and the DeadlineTimers it serves, in the order they were armed.
 */
class Clock {
  /** @internal */
  readonly armed = new Set<DeadlineTimer>();
  private readonly startTimer = setTimeout;
  private readonly stopTimer = clearTimeout;
  private runtimeTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the runtime timer fires; Infinity: not armed. */
  private dueAt = Infinity;

  /** @internal Arms the runtime timer for `at` unless it is armed for that or earlier; -1 releases it. */
  armFor(at: number): void {
    if (at < this.dueAt) {
      // Called as functions: a browser's refuse any other `this` than the window.
      const start = this.startTimer;
      const stop = this.stopTimer;
      stop(this.runtimeTimer);
      this.dueAt = at < 0 ? Infinity : at;
      if (at >= 0) this.runtimeTimer = start(Clock.onRuntimeTimer, timerDelay(at - Date.now()), this);
    }
  }

  /** The runtime timer fired: the earliest timer, if due, fires (one per task, as separate timers would). */
  private static onRuntimeTimer(clock: Clock): void {
    clock.dueAt = Infinity;
    let first: DeadlineTimer | undefined;
    for (const timer of clock.armed) if (!first || timer.dueAt < first.dueAt) first = timer;
    if (first && first.dueAt <= Date.now()) {
      const at = first.dueAt;
      first.clear();
      first.onDue(at);
    }
    let next = Infinity;
    for (const timer of clock.armed) if (timer.dueAt < next) next = timer.dueAt;
    clock.armFor(next);
  }
}

/** Each `setTimeout` in use (one, outside tests) → its clock. */
const clocks = new Map<typeof setTimeout, Clock>();
