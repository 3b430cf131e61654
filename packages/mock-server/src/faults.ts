/**
 * A fault state that connections consult: the server-wide one (every WebSocket connection and every
 * Sockr Engine.IO connection), or one user's in the Sockr module.
 */
export class FaultState {
  /** Delay added to every outbound frame. */
  delayMs = 0;
  /** New connections are refused until this time (epoch ms). */
  refuseUntil = 0;
  /** Held frames, oldest first: one queue, so a frame never overtakes an earlier one when the delay drops. */
  private readonly held: { at: number; fn: () => void }[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  get refusing(): boolean {
    return Date.now() < this.refuseUntil;
  }

  /** Whether frames are still held back (a frame sent now must queue behind them). */
  get holding(): boolean {
    return this.held.length > 0;
  }

  /** Runs `fn` now, or queues it behind the held frames when a delay is on or frames are still held. */
  pass(fn: () => void): void {
    if (this.delayMs > 0 || this.holding) this.schedule(fn, this.delayMs);
    else fn();
  }

  /** Runs `fn` after `ms`, but never before anything scheduled earlier; `reset()` cancels whatever has not run yet. */
  schedule(fn: () => void, ms: number): void {
    this.held.push({ at: Date.now() + ms, fn });
    if (this.held.length === 1) this.arm();
  }

  reset(): void {
    this.delayMs = 0;
    this.refuseUntil = 0;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.held.length = 0;
  }

  private arm(): void {
    this.timer = setTimeout(() => this.release(), Math.max(0, this.held[0].at - Date.now()));
  }

  private release(): void {
    this.timer = undefined;
    const now = Date.now();
    while (this.held.length > 0 && this.held[0].at <= now) this.held.shift()!.fn();
    if (this.held.length > 0) this.arm();
  }
}
