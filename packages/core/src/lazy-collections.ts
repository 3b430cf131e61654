/**
 * A Map and a Set that allocate their storage on the first write. An empty `Map` or `Set` costs about
 * 150 bytes in V8 (its hash table is allocated up front), and a client keeps a dozen of them for
 * features an idle connection may never use; these cost one small object until then. Reads of an
 * empty one allocate nothing. `clear()` releases the storage; `delete` keeps it (a map that fills and
 * empties per request should not reallocate each time).
 */
const EMPTY_MAP: ReadonlyMap<unknown, unknown> = new Map();
const EMPTY_SET: ReadonlySet<unknown> = new Set();

export class LazyMap<K, V> implements ReadonlyMap<K, V> {
  private map: Map<K, V> | undefined;

  get size(): number {
    return this.map === undefined ? 0 : this.map.size;
  }

  get(key: K): V | undefined {
    return this.map?.get(key);
  }

  has(key: K): boolean {
    return this.map !== undefined && this.map.has(key);
  }

  set(key: K, value: V): this {
    (this.map ??= new Map()).set(key, value);
    return this;
  }

  delete(key: K): boolean {
    return this.map !== undefined && this.map.delete(key);
  }

  clear(): void {
    this.map = undefined;
  }

  keys(): IterableIterator<K> {
    return (this.map ?? (EMPTY_MAP as ReadonlyMap<K, V>)).keys();
  }

  values(): IterableIterator<V> {
    return (this.map ?? (EMPTY_MAP as ReadonlyMap<K, V>)).values();
  }

  entries(): IterableIterator<[K, V]> {
    return (this.map ?? (EMPTY_MAP as ReadonlyMap<K, V>)).entries();
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    this.map?.forEach((value, key) => callback.call(thisArg, value, key, this));
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }
}

export class LazySet<T> implements ReadonlySet<T> {
  private set: Set<T> | undefined;

  get size(): number {
    return this.set === undefined ? 0 : this.set.size;
  }

  has(value: T): boolean {
    return this.set !== undefined && this.set.has(value);
  }

  add(value: T): this {
    (this.set ??= new Set()).add(value);
    return this;
  }

  delete(value: T): boolean {
    return this.set !== undefined && this.set.delete(value);
  }

  clear(): void {
    this.set = undefined;
  }

  values(): IterableIterator<T> {
    return (this.set ?? (EMPTY_SET as ReadonlySet<T>)).values();
  }

  keys(): IterableIterator<T> {
    return this.values();
  }

  entries(): IterableIterator<[T, T]> {
    return (this.set ?? (EMPTY_SET as ReadonlySet<T>)).entries();
  }

  forEach(callback: (value: T, key: T, set: ReadonlySet<T>) => void, thisArg?: unknown): void {
    this.set?.forEach((value) => callback.call(thisArg, value, value, this));
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this.values();
  }
}
