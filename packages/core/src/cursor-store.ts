import { LazyMap } from './lazy-collections';
import { RecentIds } from './recent-ids';

/** The subset of Web Storage the cursor store needs (localStorage, sessionStorage, or any map-backed stand-in). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface CursorStoreOptions {
  /** Where cursors survive a page reload. Omit to keep them in memory only. */
  storage?: StorageLike;
  /** The storage key; give each client its own. Default `polysocket:cursors`. */
  storageKey?: string;
  /** How many recent message ids each stream remembers for de-duplication. Default 1024. */
  recentIds?: number;
  /** Writes to storage are batched: at most one per this many ms. Default 250. */
  persistDelayMs?: number;
}

/**
 * Stream key → last delivered cursor, plus a bounded set of recent ids per stream so each message
 * reaches the app once even when a resume replays some of what was already delivered.
 */
export class CursorStore {
  private readonly cursors = new LazyMap<string, string>();
  private readonly recent = new LazyMap<string, RecentIds>();
  private readonly recentLimit: number;
  private persistTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: CursorStoreOptions = {}) {
    this.recentLimit = Math.max(1, options.recentIds ?? 1024);
    this.load();
  }

  get(stream: string): string | undefined {
    return this.cursors.get(stream);
  }

  set(stream: string, cursor: string): void {
    if (this.cursors.get(stream) === cursor) return;
    this.cursors.set(stream, cursor);
    this.schedulePersist();
  }

  /** Forgets a stream's cursor and recent ids (after an explicit unsubscribe). */
  delete(stream: string): void {
    this.recent.delete(stream);
    if (this.cursors.delete(stream)) this.schedulePersist();
  }

  streams(): string[] {
    return [...this.cursors.keys()];
  }

  /** Whether `id` was seen recently on `stream`. */
  has(stream: string, id: string): boolean {
    return this.recent.get(stream)?.has(id) ?? false;
  }

  /**
   * Records `id` as delivered on `stream`. Returns false, and changes nothing, when it was already
   * delivered: the caller then drops the duplicate. The cursor moves to `cursor` (default: the id).
   */
  accept(stream: string, id: string, cursor: string = id): boolean {
    let ids = this.recent.get(stream);
    if (!ids) {
      ids = new RecentIds(this.recentLimit);
      this.recent.set(stream, ids);
    }
    if (!ids.accept(id)) return false;
    this.set(stream, cursor);
    return true;
  }

  /** Writes pending changes to storage now. */
  flush(): void {
    if (this.persistTimer !== undefined) clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    const storage = this.options.storage;
    if (!storage) return;
    try {
      if (this.cursors.size === 0) storage.removeItem(this.key);
      else storage.setItem(this.key, JSON.stringify(Object.fromEntries(this.cursors)));
    } catch {
      // Quota exceeded or storage disabled: resume still works for this page's lifetime.
    }
  }

  /** Flushes and releases the timer. */
  dispose(): void {
    if (this.persistTimer !== undefined) this.flush();
  }

  private get key(): string {
    return this.options.storageKey ?? 'polysocket:cursors';
  }

  private schedulePersist(): void {
    if (!this.options.storage || this.persistTimer !== undefined) return;
    this.persistTimer = setTimeout(() => this.flush(), this.options.persistDelayMs ?? 250);
  }

  private load(): void {
    const storage = this.options.storage;
    if (!storage) return;
    let parsed: unknown;
    try {
      const raw = storage.getItem(this.key);
      if (raw === null) return;
      parsed = JSON.parse(raw);
    } catch {
      return;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return;
    for (const [stream, cursor] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof cursor === 'string') this.cursors.set(stream, cursor);
    }
  }
}
