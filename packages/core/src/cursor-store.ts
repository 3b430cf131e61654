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

/** One stream's resume state: where it stands, and which ids it delivered last. */
interface StreamState {
  cursor: string | undefined;
  recent: RecentIds | undefined;
}

/**
 * Stream key → last delivered cursor, plus a bounded set of recent ids per stream so each message
 * reaches the app once even when a resume replays some of what was already delivered. Both live in one
 * record per stream: `accept` runs for every inbound message and looks the stream up once.
 */
export class CursorStore {
  private readonly states = new LazyMap<string, StreamState>();
  private readonly recentLimit: number;
  private persistTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: CursorStoreOptions = {}) {
    this.recentLimit = Math.max(1, options.recentIds ?? 1024);
    this.load();
  }

  get(stream: string): string | undefined {
    return this.states.get(stream)?.cursor;
  }

  set(stream: string, cursor: string): void {
    const state = this.stateOf(stream);
    if (state.cursor === cursor) return;
    state.cursor = cursor;
    this.schedulePersist();
  }

  /** Forgets a stream's cursor and recent ids (after an explicit unsubscribe). */
  delete(stream: string): void {
    const state = this.states.get(stream);
    if (!state) return;
    this.states.delete(stream);
    if (state.cursor !== undefined) this.schedulePersist();
  }

  /** The streams that have a cursor. */
  streams(): string[] {
    return this.cursorEntries().map(([stream]) => stream);
  }

  /** Whether `id` was seen recently on `stream`. */
  has(stream: string, id: string): boolean {
    return this.states.get(stream)?.recent?.has(id) ?? false;
  }

  /**
   * Records `id` as delivered on `stream`. Returns false, and changes nothing, when it was already
   * delivered: the caller then drops the duplicate. The cursor moves to `cursor` (default: the id).
   */
  accept(stream: string, id: string, cursor: string = id): boolean {
    const state = this.stateOf(stream);
    const recent = (state.recent ??= new RecentIds(this.recentLimit));
    if (!recent.accept(id)) return false;
    if (state.cursor !== cursor) {
      state.cursor = cursor;
      this.schedulePersist();
    }
    return true;
  }

  /** Writes pending changes to storage now. */
  flush(): void {
    if (this.persistTimer !== undefined) clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    const storage = this.options.storage;
    if (!storage) return;
    try {
      const cursors = this.cursorEntries();
      if (cursors.length === 0) storage.removeItem(this.key);
      else storage.setItem(this.key, JSON.stringify(Object.fromEntries(cursors)));
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
      if (typeof cursor === 'string') this.stateOf(stream).cursor = cursor;
    }
  }

  private stateOf(stream: string): StreamState {
    let state = this.states.get(stream);
    if (state === undefined) {
      state = { cursor: undefined, recent: undefined };
      this.states.set(stream, state);
    }
    return state;
  }

  private cursorEntries(): [string, string][] {
    const entries: [string, string][] = [];
    for (const [stream, state] of this.states) if (state.cursor !== undefined) entries.push([stream, state.cursor]);
    return entries;
  }
}
