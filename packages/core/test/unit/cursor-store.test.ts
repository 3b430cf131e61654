import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CursorStore, type StorageLike } from '@polysocket/core';

class MapStorage implements StorageLike {
  readonly map = new Map<string, string>();
  writes = 0;
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.writes++;
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('CursorStore', () => {
  it('keeps the last cursor per stream', () => {
    const store = new CursorStore();
    store.set('a', '1');
    store.set('b', '9');
    store.set('a', '2');
    expect(store.get('a')).toBe('2');
    expect(store.get('b')).toBe('9');
    expect(store.get('c')).toBeUndefined();
    expect(store.streams().sort()).toEqual(['a', 'b']);
    store.delete('a');
    expect(store.get('a')).toBeUndefined();
  });

  it('accepts each id once per stream and moves the cursor only on the first', () => {
    const store = new CursorStore();
    expect(store.accept('a', 'm1')).toBe(true);
    expect(store.accept('a', 'm2')).toBe(true);
    expect(store.accept('a', 'm1')).toBe(false);
    expect(store.get('a')).toBe('m2');
    expect(store.accept('b', 'm1')).toBe(true); // streams are independent
    expect(store.accept('a', 'm3', 'cursor-3')).toBe(true);
    expect(store.get('a')).toBe('cursor-3');
    expect(store.has('a', 'm3')).toBe(true);
  });

  it('bounds the recent-id set per stream, forgetting the oldest first', () => {
    const store = new CursorStore({ recentIds: 3 });
    for (const id of ['1', '2', '3', '4']) store.accept('a', id);
    expect(store.has('a', '1')).toBe(false);
    expect(store.has('a', '2')).toBe(true);
    expect(store.accept('a', '4')).toBe(false);
    expect(store.accept('a', '1')).toBe(true); // beyond the window: the cursor-based resume is what protects here
  });

  it('persists cursors to storage in batches and reloads them in a new store', () => {
    const storage = new MapStorage();
    const store = new CursorStore({ storage, storageKey: 'k', persistDelayMs: 250 });
    for (let i = 1; i <= 100; i++) store.accept('chat', String(i));
    expect(storage.writes).toBe(0);
    vi.advanceTimersByTime(250);
    expect(storage.writes).toBe(1);
    expect(JSON.parse(storage.getItem('k')!)).toEqual({ chat: '100' });

    store.set('news', 'n7');
    store.dispose(); // flushes what is pending
    expect(storage.writes).toBe(2);
    expect(vi.getTimerCount()).toBe(0);

    const reloaded = new CursorStore({ storage, storageKey: 'k' });
    expect(reloaded.get('chat')).toBe('100');
    expect(reloaded.get('news')).toBe('n7');
  });

  it('ignores malformed or hostile storage content', () => {
    for (const raw of ['{not json', '"str"', '[1,2]', 'null', '{"a":5,"b":"ok","__proto__":"x"}']) {
      const storage = new MapStorage();
      storage.setItem('polysocket:cursors', raw);
      const store = new CursorStore({ storage });
      expect(store.get('a')).toBeUndefined();
      expect(({} as Record<string, unknown>).x).toBeUndefined();
      if (raw.includes('"b"')) expect(store.get('b')).toBe('ok');
    }
  });

  it('survives a storage that throws', () => {
    const storage: StorageLike = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
      removeItem: () => undefined,
    };
    const store = new CursorStore({ storage });
    store.set('a', '1');
    expect(() => store.flush()).not.toThrow();
    expect(store.get('a')).toBe('1');
  });
});
