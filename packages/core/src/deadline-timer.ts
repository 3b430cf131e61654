import { timerDelay } from './timing';

/**
 * One timer for many deadlines, armed for the earliest: an owner with many pending items calls
 * `include(deadline)` for each and, when the timer fires, times out what is due and includes the
 * next deadline again. An item that settles in time costs no timer call.
 */
export class DeadlineTimer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private dueAt = Infinity;

  /** `onDue` is called as the timer's method (`this` is the timer), with the deadline it was armed for. */
  constructor(private readonly onDue: (at: number) => void) {}

  /** Makes sure the timer fires no later than `at`. */
  include(at: number): void {
    if (at < this.dueAt) {
      clearTimeout(this.timer);
      this.dueAt = at;
      this.timer = setTimeout(DeadlineTimer.fire, timerDelay(at - Date.now()), this);
    }
  }

  /** The timer's callback gets its owner as an argument: one shared function, no closure per timer. */
  private static fire(deadlines: DeadlineTimer): void {
    const at = deadlines.dueAt;
    deadlines.clear();
    deadlines.onDue(at);
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.dueAt = Infinity;
  }
}
