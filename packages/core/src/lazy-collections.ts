/**
 * A Map and a Set that allocate their storage on the first write. An empty `Map` or `Set` costs about
 * 150 bytes in V8 (its hash table is allocated up front), and a client keeps a dozen of them for
 * features an idle connection may never use; these cost one small object until then. Reads of an
 * empty one allocate nothing. `clear()` releases the storage, and so does a LazyMap's `delete` of its last
 * entry (a namespace connected, a listener list gone); a LazySet's `delete` keeps it (a namespace's ack ids
 * fill and empty per request, which should not reallocate each time).
 */
/** What a Map and a Set have in common: `I` is what iterating yields (`[K, V]` for a Map, `K` for a Set). */
interface Store<K, V, I> {
  readonly size: number;
  has(key: K): boolean;
  delete(key: K): boolean;
  keys(): IterableIterator<K>;
  values(): IterableIterator<V>;
  entries(): IterableIterator<[K, V]>;
  forEach(callback: (value: V, key: K) => void): void;
  [Symbol.iterator](): IterableIterator<I>;
}

const EMPTY = new Map<never, never>();

/** The part LazyMap and LazySet share: everything but `get`/`set` and `add`. */
abstract class Lazy<K, V, I, S extends Store<K, V, I>> {
  /** @internal Made on the first write. */
  lazyStore: S | undefined;

  get size(): number {
    return this.lazyStore?.size ?? 0;
  }

  has(key: K): boolean {
    return !!this.lazyStore?.has(key);
  }

  delete(key: K): boolean {
    return !!this.lazyStore?.delete(key);
  }

  clear(): void {
    this.lazyStore = undefined;
  }

  forEach(callback: (value: V, key: K, self: this) => void, thisArg?: unknown): void {
    this.lazyStore?.forEach((value, key) => callback.call(thisArg, value, key, this));
  }

  // The iterators, made below on the prototype: the store's, or an empty Map's.
  declare keys: () => IterableIterator<K>;
  declare values: () => IterableIterator<V>;
  declare entries: () => IterableIterator<[K, V]>;
  declare [Symbol.iterator]: () => IterableIterator<I>;
}

for (const name of ['keys', 'values', 'entries', Symbol.iterator] as const)
  (Lazy.prototype as unknown as Record<PropertyKey, unknown>)[name] = function (
    this: Lazy<unknown, unknown, unknown, Map<unknown, unknown>>,
  ) {
    return (this.lazyStore ?? EMPTY)[name]();
  };

// Neither class declares `implements ReadonlyMap`/`ReadonlySet`: newer libs add members to those (Set's `union`,
// iterators' `[Symbol.dispose]`), and a consumer's typecheck of our .d.ts would fail under them.
export class LazyMap<K, V> extends Lazy<K, V, [K, V], Map<K, V>> {
  get(key: K): V | undefined {
    return this.lazyStore?.get(key);
  }

  set(key: K, value: V): this {
    (this.lazyStore ?? (this.lazyStore = new Map())).set(key, value);
    return this;
  }

  override delete(key: K): boolean {
    const store = this.lazyStore;
    const deleted = !!store?.delete(key);
    if (deleted && !store!.size) this.lazyStore = undefined;
    return deleted;
  }
}

export class LazySet<T> extends Lazy<T, T, T, Set<T>> {
  add(value: T): this {
    (this.lazyStore ?? (this.lazyStore = new Set())).add(value);
    return this;
  }
}
