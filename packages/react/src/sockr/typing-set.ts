import { ValueStore } from './store';

/**
 * Who is typing, for one hook: each indicator expires `expireMs` after its last start (the server never
 * expires one, and a stop can be lost with the link). A new set per change; `dispose` clears every timer.
 */
export class TypingSet extends ValueStore<ReadonlySet<string>> {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly expireMs: number) {
    super(new Set());
  }

  mark(userId: string, typing: boolean): void {
    const timer = this.timers.get(userId);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(userId);
    if (typing)
      this.timers.set(
        userId,
        setTimeout(() => this.mark(userId, false), this.expireMs),
      );
    const now = this.read();
    if (now.has(userId) === typing) return;
    const next = new Set(now);
    if (typing) next.add(userId);
    else next.delete(userId);
    this.set(next);
  }

  /** Forgets every indicator (the link dropped: their stops may never come). */
  reset(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    if (this.read().size > 0) this.set(new Set());
  }
}
