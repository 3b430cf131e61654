import { describe, expect, it } from 'vitest';
import { RecentIds } from '@polysocket/core';

describe('RecentIds', () => {
  it('remembers the last `limit` ids and evicts the oldest first, across many laps of the ring', () => {
    const ids = new RecentIds(3);
    for (let i = 0; i < 1000; i++) expect(ids.accept(`m${i}`)).toBe(true);
    expect(ids.accept('m999')).toBe(false);
    expect(ids.accept('m997')).toBe(false);
    expect(ids.has('m996')).toBe(false);
    // A duplicate changes nothing: m997 is still the oldest remembered.
    expect(ids.accept('m1000')).toBe(true);
    expect(ids.has('m997')).toBe(false);
    expect([ids.has('m998'), ids.has('m999'), ids.has('m1000')]).toEqual([true, true, true]);
  });

  it('refuses a limit below one', () => {
    expect(() => new RecentIds(0)).toThrow(RangeError);
  });
});
