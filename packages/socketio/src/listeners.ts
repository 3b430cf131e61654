import type { Dict } from './dict';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Listener = (...args: any[]) => void;

/** A `once` wrapper, which `off(event, original)` finds by the listener it wraps. */
type OnceListener = Listener & { original: Listener };

/**
 * A namespace's listeners, as socket.io-client's emitter keeps them: by event name (`onAny`'s under a symbol),
 * in order, the same listener as often as it was added. Lists are replaced, never changed in place: an emit
 * goes on with the list it started with. No emitter object, guard or WeakMap per namespace.
 */
export function addListener(
  lists: Dict<readonly Listener[]>,
  event: string | symbol,
  listener: Listener,
  once?: boolean,
): void {
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
  // concat: an array of the exact length (a spread literal reserves room to grow).
  lists[event] = (lists[event] ?? []).concat(added);
}

/** Removes every entry of `listener` (also added with `once`), or every listener of the event. */
export function removeListener(lists: Dict<readonly Listener[]>, event: string | symbol, listener?: Listener): void {
  const list = lists[event];
  if (!list) return;
  const rest = listener ? list.filter((l) => l !== listener && (l as OnceListener).original !== listener) : [];
  lists[event] = rest.length ? rest : undefined;
}

/** Calls the event's listeners with `self` as `this`; what one throws goes to `report`, the others still run. */
export function fire(
  lists: Dict<readonly Listener[]>,
  event: string | symbol,
  args: unknown[],
  self: unknown,
  report: { reportListenerError(error: unknown): void },
): void {
  const list = lists[event];
  if (list)
    for (const listener of list)
      try {
        listener.apply(self, args);
      } catch (error) {
        report.reportListenerError(error);
      }
}
