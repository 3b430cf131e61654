import type { Dict } from '@polysocket/core';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Listener = (...args: any[]) => void;

/** An event's listeners: one kept as itself (most events have one: no array), more as an array. */
export type Listeners = Listener | readonly Listener[];

/** A `once` wrapper, which `off(event, original)` finds by the listener it wraps. */
type OnceListener = Listener & { original: Listener };

/**
 * A namespace's listeners, as socket.io-client's emitter keeps them: by event name (`onAny`'s under a symbol),
 * in order, the same listener as often as it was added. Lists are replaced, never changed in place: an emit
 * goes on with the list it started with. No emitter object, guard or WeakMap per namespace.
 */
export function addListener(lists: Dict<Listeners>, event: string | symbol, listener: Listener, once?: boolean): void {
  let added = listener;
  if (once) {
    added = Object.assign(
      function (this: unknown, ...args: unknown[]) {
        removeListener(lists, event, added);
        listener.apply(this, args);
      },
      { original: listener },
    );
  }
  const entry = lists[event];
  // concat: an array of the exact length (a spread literal reserves room to grow).
  lists[event] = entry === undefined ? added : ([] as Listener[]).concat(entry, added);
}

/** Removes every entry of `listener` (also added with `once`), or every listener of the event. */
export function removeListener(lists: Dict<Listeners>, event: string | symbol, listener?: Listener): void {
  const entry = lists[event];
  if (!entry) return;
  const rest = listener
    ? ([] as Listener[]).concat(entry).filter((l) => l !== listener && (l as OnceListener).original !== listener)
    : [];
  lists[event] = rest.length > 1 ? rest : rest[0];
}

/** Calls the event's listeners with `self` as `this`; what one throws goes to `report`, the others still run. */
export function fire(
  lists: Dict<Listeners>,
  event: string | symbol,
  args: unknown[],
  self: unknown,
  report: { reportListenerError(error: unknown): void },
): void {
  const entry = lists[event];
  if (typeof entry === 'function') call(entry, self, args, report);
  else if (entry) for (const listener of entry) call(listener, self, args, report);
}

function call(listener: Listener, self: unknown, args: unknown[], report: Parameters<typeof fire>[4]): void {
  try {
    listener.apply(self, args);
  } catch (error) {
    report.reportListenerError(error);
  }
}
