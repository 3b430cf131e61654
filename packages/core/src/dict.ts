/**
 * @internal Shared by the adapters.
 * A string-keyed table as a plain object with no prototype chain to hit (`'toString'`, `'__proto__'` are keys
 * like any other). One holding a few keys costs ≈ 64 bytes in V8, where a `Map` costs ≈ 180 (its hash table is
 * allocated up front), and objects that get the same keys in the same order share one hidden class. Entries are
 * set to undefined rather than deleted (a `delete` turns the object into a slow dictionary).
 */
export type Dict<V> = { [key: string | symbol]: V | undefined };

// A constructor whose prototype has none: `new` makes a fast object that inherits nothing.
const Table = function () {} as unknown as new () => object;
Table.prototype = Object.create(null) as object;

export const dict = <V>(): Dict<V> => new Table() as Dict<V>;
