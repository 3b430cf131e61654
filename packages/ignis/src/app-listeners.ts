import { dict } from '@polysocket/core';
import type { IgnisEnvelope } from './envelope';
import type { AnyListener, AppListener, IgnisConnection } from './options';

/** The key of the `onAny` listeners (event names are strings). */
const ANY = Symbol();

type Listener = AppListener | AnyListener;
/** An event's listeners: one kept as itself (most events have one: no array), more as an array. */
type List = Listener | readonly Listener[];

/** A `once` wrapper, which `off(event, original)` finds by the listener it wraps. */
type OnceListener = AppListener & { original: AppListener };

/**
 * The app's listeners, by event name and for every event (`onAny`). The lists are replaced (never changed in
 * place) by on/once/off: a delivery goes on with the lists it started with, so a listener added by a listener (a
 * `once` that re-arms itself) waits for the next event, and one removed meanwhile is skipped. The client's wire
 * extends it (no object of its own per client).
 */
export abstract class AppListeners {
  private readonly lists = dict<List>();
  abstract readonly connection: IgnisConnection;

  on(event: string | typeof ANY, listener: Listener): void {
    const list = this.lists[event];
    // Each listener once; concat: an array of the exact length (a spread literal reserves room to grow).
    if (list === undefined) this.lists[event] = listener;
    else if (!listed(list, listener)) this.lists[event] = ([] as Listener[]).concat(list, listener);
  }

  once(event: string, listener: AppListener): void {
    const wrapper: OnceListener = Object.assign(
      (data: unknown, envelope: IgnisEnvelope) => {
        this.off(event, wrapper);
        listener(data, envelope);
      },
      { original: listener },
    );
    this.on(event, wrapper);
  }

  /** Removes that listener (also one added with `once`), or every listener of the event. */
  off(event: string | typeof ANY, listener?: Listener): void {
    const list = this.lists[event];
    if (list === undefined) return;
    const rest = listener
      ? ([] as Listener[]).concat(list).filter((l) => l !== listener && (l as OnceListener).original !== listener)
      : [];
    this.lists[event] = rest.length > 1 ? rest : rest[0];
  }

  /** Returns the function that stops listening. */
  onAny(listener: AnyListener): () => void {
    this.on(ANY, listener);
    return () => this.off(ANY, listener);
  }

  /** Delivers to the listeners there were when it started (`onAny`'s too), skipping any removed meanwhile. */
  deliver(frame: IgnisEnvelope): void {
    const any = this.lists[ANY];
    this.run(frame.event, this.lists[frame.event], frame);
    this.run(ANY, any, frame);
  }

  private run(key: string | typeof ANY, list: List | undefined, frame: IgnisEnvelope): void {
    if (typeof list === 'function') this.call(key, list, list, frame);
    else if (list) for (const listener of list) this.call(key, list, listener, frame);
  }

  /** Calls `listener` of the `list` a delivery started with, unless it was removed since. */
  private call(key: string | typeof ANY, list: List, listener: Listener, frame: IgnisEnvelope): void {
    const now = this.lists[key];
    if (now !== list && (now === undefined || !listed(now, listener))) return;
    try {
      if (key === ANY) (listener as AnyListener)(frame.event, frame.data, frame);
      else (listener as AppListener)(frame.data, frame);
    } catch (error) {
      this.connection.reportListenerError(error);
    }
  }
}

/** Whether `listener` is in the event's listeners. */
function listed(list: List, listener: Listener): boolean {
  return typeof list === 'function' ? list === listener : list.includes(listener);
}
