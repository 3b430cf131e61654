import { withoutCredentials, type CursorStore, type StorageLike } from '@polysocket/core';

/**
 * An optional module: keeps a client's resume cursors in Web Storage so a reloaded page resumes where it left
 * off. Made by `webStorageCursors(storage)`; the client runs it once with its store and url, and calls what it
 * returns (the flush) at `close()`.
 */
export type CursorPersistence = (cursors: CursorStore, url: string) => () => void;

export interface WebStorageCursorsOptions {
  /** The storage key; default `polysocket:foony:<url>`, the url without its query, fragment and credentials. */
  key?: string;
}

/**
 * Cursor persistence to `storage` (e.g. `localStorage`): `new FoonyClient({ url, token, persistCursors:
 * webStorageCursors(localStorage) })`. Writes are batched (at most one per 250 ms, and one at `close()`);
 * malformed stored content is ignored, and a storage that throws (quota, privacy mode) only loses persistence.
 */
export function webStorageCursors(storage: StorageLike, options: WebStorageCursorsOptions = {}): CursorPersistence {
  return (cursors, url) => {
    const key = options.key ?? defaultKey(storage, url);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const stored: unknown = JSON.parse(storage.getItem(key) ?? 'null');
      if (stored && typeof stored === 'object' && !Array.isArray(stored))
        for (const [stream, cursor] of Object.entries(stored))
          if (typeof cursor === 'string') cursors.set(stream, cursor);
    } catch {
      // Unreadable: start without cursors.
    }
    const flush = (): void => {
      clearTimeout(timer);
      timer = undefined;
      try {
        const json = JSON.stringify(cursors.cursors());
        if (json === '{}') storage.removeItem(key);
        else storage.setItem(key, json);
      } catch {
        // Quota exceeded or storage disabled: resume still works for this page's lifetime.
      }
    };
    cursors.onChange = () => void (timer ??= setTimeout(flush, 250));
    return () => void (timer !== undefined && flush());
  };
}

/**
 * `polysocket:foony:<url without query, fragment and credentials>`. Cursors stored under the key of earlier
 * versions (the whole url, query included) move to it, and that entry, which named the credentials, is removed.
 */
function defaultKey(storage: StorageLike, url: string): string {
  const key = `polysocket:foony:${withoutCredentials(url)}`;
  const legacy = `polysocket:foony:${url}`;
  if (legacy === key) return key;
  try {
    const stored = storage.getItem(legacy);
    if (stored !== null) {
      if (storage.getItem(key) === null) storage.setItem(key, stored);
      storage.removeItem(legacy);
    }
  } catch {
    // Storage refused (quota, privacy mode): persistence copes with it the same way.
  }
  return key;
}
