/** An external store of the latest `limit` items, a new array per change (for `useSyncExternalStore`). */
export class ListStore<T> {
  private items: readonly T[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(private limit: number) {}

  readonly read = (): readonly T[] => this.items;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** A new limit keeps the items (the latest `limit` of them). */
  resize(limit: number): void {
    if (limit === this.limit) return;
    this.limit = limit;
    if (this.items.length <= limit) return;
    this.items = this.items.slice(this.items.length - limit);
    for (const listener of [...this.listeners]) listener();
  }

  readonly add = (item: T): void => {
    const next = [...this.items, item];
    this.items = next.length > this.limit ? next.slice(next.length - this.limit) : next;
    for (const listener of [...this.listeners]) listener();
  };
}
