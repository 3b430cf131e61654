import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CursorStore, type StorageLike } from '@polysocket/core';
import { webStorageCursors } from '@polysocket/foony';
import { MemoryFoony, settle } from '../helpers/memory-foony';

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

const URL = 'ws://127.0.0.1:8080/foony';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('webStorageCursors (the cursor persistence module)', () => {
  it('persists cursors in batches, flushes at the end, and a new store reloads them', () => {
    const storage = new MapStorage();
    const store = new CursorStore();
    const flush = webStorageCursors(storage, { key: 'k' })(store, URL);
    for (let i = 1; i <= 100; i++) store.accept('chat', String(i));
    expect(storage.writes).toBe(0);
    vi.advanceTimersByTime(250);
    expect(storage.writes).toBe(1);
    expect(JSON.parse(storage.getItem('k')!)).toEqual({ chat: '100' });

    store.set('news', 'n7');
    flush(); // what the client's close() does: writes what is pending
    expect(storage.writes).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
    flush(); // nothing pending: no write
    expect(storage.writes).toBe(2);

    const reloaded = new CursorStore();
    webStorageCursors(storage, { key: 'k' })(reloaded, URL);
    expect(reloaded.cursors()).toEqual({ chat: '100', news: 'n7' });
  });

  it('removes the entry once no stream has a cursor', () => {
    const storage = new MapStorage();
    const store = new CursorStore();
    const flush = webStorageCursors(storage, { key: 'k' })(store, URL);
    store.set('a', '1');
    flush();
    expect(storage.map.has('k')).toBe(true);
    store.delete('a');
    flush();
    expect(storage.map.has('k')).toBe(false);
  });

  it('ignores malformed or hostile storage content', () => {
    for (const raw of ['{not json', '"str"', '["x"]', 'null', '5', '{"a":5,"b":"ok","__proto__":"x"}']) {
      const storage = new MapStorage();
      storage.setItem('k', raw);
      const store = new CursorStore();
      webStorageCursors(storage, { key: 'k' })(store, URL);
      expect(store.get('a')).toBeUndefined();
      expect(store.get('0')).toBeUndefined();
      expect(({} as Record<string, unknown>).x).toBeUndefined();
      expect(store.get('b')).toBe(raw.includes('"b"') ? 'ok' : undefined);
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
    const store = new CursorStore();
    const flush = webStorageCursors(storage)(store, 'wss://rt.example.com/foony?token=abc123');
    store.set('a', '1');
    expect(() => flush()).not.toThrow();
    expect(store.get('a')).toBe('1');
  });

  it('a client with it resumes a reloaded page from the stored cursor; the timer is released at close()', async () => {
    const storage = new MapStorage();
    const server = new MemoryFoony();
    const first = server.client({ url: URL, persistCursors: webStorageCursors(storage) });
    await first.connect();
    first.channel('chat').subscribe(() => undefined);
    await settle();
    server.publish('chat', 'n', 1);
    await settle();
    first.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(JSON.parse(storage.getItem(`polysocket:foony:${URL}`)!)).toEqual({ chat: 'm1' });

    const reloaded = server.client({ url: URL, persistCursors: webStorageCursors(storage) });
    await reloaded.connect();
    reloaded.channel('chat').subscribe(() => undefined);
    await settle();
    expect(server.framesOf('chat', 'sub').at(-1)).toMatchObject({ lastMessageId: 'm1' });
    reloaded.close();
  });

  it('a client without it keeps cursors in memory only', async () => {
    const storage = new MapStorage();
    const server = new MemoryFoony();
    const client = server.client({ url: URL });
    await client.connect();
    client.channel('chat').subscribe(() => undefined);
    await settle();
    server.publish('chat', 'n', 1);
    await settle();
    expect(client.channel('chat').lastMessageId).toBe('m1');
    client.close();
    expect(storage.writes).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
