/** The server-wide fault state that connections consult. */
export class FaultState {
  /** Delay added to every outbound frame. */
  delayMs = 0;
  /** New connections are refused until this time (epoch ms). */
  refuseUntil = 0;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  get refusing(): boolean {
    return Date.now() < this.refuseUntil;
  }

  /** Runs `fn` after `ms`; `reset()` cancels whatever has not run yet. */
  schedule(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  reset(): void {
    this.delayMs = 0;
    this.refuseUntil = 0;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
