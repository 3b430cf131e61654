/**
 * Counted uses of one thing per client (a Foony channel, an Ignis room): the first use starts it, the last one
 * releases it — a microtask later, so StrictMode's unmount-and-mount-again (one commit) does not leave and
 * re-enter. `start` returns the release, or undefined when the app had it already (then it is the app's to end).
 */
const uses = new WeakMap<object, Map<string, { count: number; release: (() => void) | undefined }>>();

export function acquire(owner: object, key: string, start: () => (() => void) | undefined): () => void {
  let byKey = uses.get(owner);
  if (byKey === undefined) uses.set(owner, (byKey = new Map()));
  const entry = byKey.get(key);
  if (entry !== undefined) entry.count++;
  else byKey.set(key, { count: 1, release: start() });
  const map = byKey;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const current = map.get(key);
    if (current === undefined) return;
    current.count--;
    queueMicrotask(() => {
      if (current.count > 0 || map.get(key) !== current) return;
      map.delete(key);
      current.release?.();
    });
  };
}
