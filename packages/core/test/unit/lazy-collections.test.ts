import { describe, expect, it } from 'vitest';
import { LazyMap, LazySet } from '@polysocket/core';

describe('LazyMap and LazySet', () => {
  it('behave like Map and Set (reads of an empty one, writes, iteration, forEach, clear)', () => {
    const map = new LazyMap<string, number>();
    expect([map.size, map.get('a'), map.has('a'), map.delete('a'), [...map]]).toEqual([0, undefined, false, false, []]);
    map.set('a', 1).set('b', 2);
    map.delete('a');
    map.set('c', 3);
    expect([...map]).toEqual([
      ...new Map([
        ['b', 2],
        ['c', 3],
      ]),
    ]);
    expect([[...map.keys()], [...map.values()], map.size, map.has('b')]).toEqual([['b', 'c'], [2, 3], 2, true]);
    const seen: [string, number, boolean][] = [];
    map.forEach((value, key, self) => seen.push([key, value, self === map]));
    expect(seen).toEqual([
      ['b', 2, true],
      ['c', 3, true],
    ]);
    map.clear();
    expect([map.size, [...map.entries()]]).toEqual([0, []]);

    const set = new LazySet<string>();
    expect([set.size, set.has('x'), set.delete('x'), [...set]]).toEqual([0, false, false, []]);
    set.add('x').add('y').add('x');
    expect([[...set], [...set.keys()], [...set.entries()], set.size]).toEqual([
      ['x', 'y'],
      ['x', 'y'],
      [
        ['x', 'x'],
        ['y', 'y'],
      ],
      2,
    ]);
    const each: string[] = [];
    set.forEach((value, key, self) => each.push(`${value}${key}${self === set}`));
    expect(each).toEqual(['xxtrue', 'yytrue']);
    set.clear();
    expect(set.size).toBe(0);
  });

  it('a LazyMap releases its storage with its last entry (and works on after)', () => {
    const map = new LazyMap<string, number>();
    const storage = (): unknown => (map as unknown as { lazyStore: unknown }).lazyStore;
    map.set('a', 1).set('b', 2);
    map.delete('a');
    expect(storage()).toBeInstanceOf(Map);
    expect(map.delete('b')).toBe(true);
    expect(storage()).toBeUndefined();
    expect([map.size, map.delete('b'), [...map]]).toEqual([0, false, []]);
    map.set('c', 3);
    expect([...map]).toEqual([['c', 3]]);
  });
});
