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
  protected store: S | undefined;

  get size(): number {
    return this.store?.size ?? 0;
  }

  has(key: K): boolean {
    return !!this.store?.has(key);
  }

  delete(key: K): boolean {
    return !!this.store?.delete(key);
  }

  clear(): void {
    this.store = undefined;
  }

  forEach(callback: (value: V, key: K, self: this) => void, thisArg?: unknown): void {
    this.store?.forEach((value, key) => callback.call(thisArg, value, key, this));
  }

  // The iterators, made below on the prototype: the store's, or an empty Map's.
  declare keys: () => IterableIterator<K>;
  declare values: () => IterableIterator<V>;
  declare entries: () => IterableIterator<[K, V]>;
  declare [Symbol.iterator]: () => IterableIterator<I>;
}

for (const name of ['keys', 'values', 'entries', Symbol.iterator] as const)
  (Lazy.prototype as unknown as Record<PropertyKey, unknown>)[name] = function (this: {
    store?: Map<unknown, unknown>;
  }) {
    return (this.store ?? EMPTY)[name]();
  };

// Neither class declares `implements ReadonlyMap`/`ReadonlySet`: newer libs add members to those (Set's `union`,
// iterators' `[Symbol.dispose]`), and a consumer's typecheck of our .d.ts would fail under them.
export class LazyMap<K, V> extends Lazy<K, V, [K, V], Map<K, V>> {
  get(key: K): V | undefined {
    return this.store?.get(key);
  }

  set(key: K, value: V): this {
    (this.store ??= new Map()).set(key, value);
    return this;
  }

  override delete(key: K): boolean {
    const store = this.store;
    const deleted = !!store?.delete(key);
    if (deleted && !store!.size) this.store = undefined;
    return deleted;
  }
}

export class LazySet<T> extends Lazy<T, T, T, Set<T>> {
  add(value: T): this {
    (this.store ??= new Set()).add(value);
    return this;
  }
}
