import { Store } from '../store';

/**
 * Who is typing, for one hook: each indicator expires `expireMs` after its last start (the server never
 * expires one, and a stop can be lost with the link). A new set per change; `reset` clears every timer.
 */
export class TypingSet extends Store<ReadonlySet<string>> {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly expireMs: number) {
    super(new Set());
  }

  mark(userId: string, typing: boolean): void {
    clearTimeout(this.timers.get(userId));
    this.timers.delete(userId);
    if (typing) this.timers.set(userId, setTimeout(() => this.mark(userId, false), this.expireMs));
    if (this.value.has(userId) === typing) return;
    const next = new Set(this.value);
    next[typing ? 'add' : 'delete'](userId);
    this.set(next);
  }

  /** Forgets every indicator (the link dropped: their stops may never come). */
  reset(): void {
    for (const userId of [...this.timers.keys()]) this.mark(userId, false);
  }
}
