import { useEffect, useMemo, useSyncExternalStore, type DependencyList } from './react-api';

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

  /** Merges `part` into an object value. */
  patch(part: Partial<T>): void {
    this.set({ ...this.value, ...part } as T);
  }
}

/** A store's value, read with `useSyncExternalStore` (every component of one render sees the same). */
export const useStore = <T>(store: Store<T>): T => useSyncExternalStore(store.subscribe, store.read, store.read);

/** A thrown value as an Error. */
export const toError = (value: unknown): Error => (value instanceof Error ? value : new Error(String(value)));

/**
 * A hook's state and actions, made once per `deps`: `make` returns the store, the actions, and what listens while
 * the component is mounted (an effect; returns its cleanup). The hook returns the store's snapshot and the actions.
 */
export function useModel<S extends object, A extends object>(
  make: () => [Store<S>, A, () => () => void],
  deps: DependencyList,
): S & A {
  const [store, actions, attach] = useMemo(make, deps);
  useEffect(attach, [attach]);
  return { ...useStore(store), ...actions };
}
