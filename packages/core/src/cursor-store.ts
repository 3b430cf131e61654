import { LazyMap } from './lazy-collections';
import { RecentIds } from './recent-ids';

/** The subset of Web Storage a persistence module needs (localStorage, sessionStorage, or any map-backed stand-in). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface CursorStoreOptions {
  /** How many recent message ids each stream remembers for de-duplication. Default 1024. */
  recentIds?: number;
}

/** One stream's resume state: where it stands, and which ids it delivered last. */
interface StreamState {
  /** A number (a serial) is kept as it is and told as text: no string made per message. */
  cursor: string | number | undefined;
  recent: RecentIds | undefined;
}

/**
 * Stream key → last delivered cursor, plus a bounded set of recent ids per stream so each message
 * reaches the app once even when a resume replays some of what was already delivered. Both live in one
 * record per stream: `accept` runs for every inbound message and looks the stream up once. In memory only;
 * persistence is a module that loads with `set` and writes on `onChange` (Foony's `webStorageCursors`).
 */
export class CursorStore {
  private readonly states = new LazyMap<string, StreamState>();
  private readonly recentLimit: number;
  /** Called after a cursor changed or was removed: a persistence module schedules its write here. */
  onChange: (() => void) | undefined;

  constructor(options: CursorStoreOptions = {}) {
    this.recentLimit = Math.max(1, options.recentIds ?? 1024);
  }

  get(stream: string): string | undefined {
    const cursor = this.states.get(stream)?.cursor;
    return cursor === undefined ? cursor : String(cursor);
  }

  set(stream: string, cursor: string | number): void {
    this.move(this.stateOf(stream), cursor);
  }

  /** Forgets a stream's cursor and recent ids (after an explicit unsubscribe). */
  delete(stream: string): void {
    const state = this.states.get(stream);
    if (!state) return;
    this.states.delete(stream);
    if (state.cursor !== undefined) this.onChange?.();
  }

  /** Every stream's cursor, as a plain object (what a persistence module stores). */
  cursors(): Record<string, string> {
    const cursors: [string, string][] = [];
    for (const [stream, state] of this.states)
      if (state.cursor !== undefined) cursors.push([stream, String(state.cursor)]);
    return Object.fromEntries(cursors);
  }

  /**
   * Records `id` as delivered on `stream` and moves its cursor there. Returns false, and changes nothing, when
   * it was already delivered: the caller then drops the duplicate.
   */
  accept(stream: string, id: string): boolean {
    const state = this.stateOf(stream);
    if (!(state.recent ??= new RecentIds(this.recentLimit)).accept(id)) return false;
    this.move(state, id);
    return true;
  }

  private move(state: StreamState, cursor: string | number): void {
    if (state.cursor === cursor) return;
    state.cursor = cursor;
    this.onChange?.();
  }

  private stateOf(stream: string): StreamState {
    let state = this.states.get(stream);
    if (state === undefined) this.states.set(stream, (state = { cursor: undefined, recent: undefined }));
    return state;
  }
}
