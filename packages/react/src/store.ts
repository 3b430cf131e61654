import { useSyncExternalStore } from './react-api';

/** A value for `useSyncExternalStore`: replaced (never mutated) on each change, listeners told once per change. */
export class Store<T> {
  private readonly listeners = new Set<() => void>();

  constructor(protected value: T) {}

  readonly read = (): T => this.value;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  set(next: T): void {
    if (Object.is(next, this.value)) return;
    this.value = next;
    for (const listener of [...this.listeners]) listener();
  }

  update(change: (value: T) => T): void {
    this.set(change(this.value));
  }

  /** Merges `part` into an object value. */
  patch(part: Partial<T>): void {
    this.set({ ...this.value, ...part } as T);
  }
}

/** A store's value, read with `useSyncExternalStore` (every component of one render sees the same). */
export const useStore = <T>(store: Store<T>): T => useSyncExternalStore(store.subscribe, store.read, store.read);

/** A thrown value as an Error. */
export const toError = (value: unknown): Error => (value instanceof Error ? value : new Error(String(value)));
