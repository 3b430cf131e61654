/** An external store of the latest `limit` items, a new array per change (for `useSyncExternalStore`). */
export class ListStore<T> {
  private items: readonly T[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(private readonly limit: number) {}

  readonly read = (): readonly T[] => this.items;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly add = (item: T): void => {
    const next = [...this.items, item];
    this.items = next.length > this.limit ? next.slice(next.length - this.limit) : next;
    for (const listener of [...this.listeners]) listener();
  };
}
