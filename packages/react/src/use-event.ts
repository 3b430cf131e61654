import { useEffect, useInsertionEffect, useLayoutEffectOnClient, useRef } from './react-api';
import type { LifecycleClient, LifecycleEventName } from '@polysocket/core';
import { useContextClient } from './context';
import type { EventHandler } from './events';

type AnyListener = (...args: never[]) => void;

/** What every client's `on`/`off` is at run time: an event name and a listener (their types come from `EventName`). */
export interface Listenable {
  on(event: string, listener: AnyListener): unknown;
  off(event: string, listener?: AnyListener): unknown;
}

/**
 * Calls `handler` on each `event` of `target` while the component is mounted. The listener is added once per
 * target and event; each call reaches the handler of the latest render (no re-subscribe per render).
 */
export function useListener(target: Listenable, event: string, handler: (...args: never[]) => void): void {
  const latest = useRef(handler);
  useInsertionEffect(() => {
    latest.current = handler;
  });
  // The listener, while added.
  const added = useRef<AnyListener>(undefined);
  const add = (): void => {
    if (!added.current) target.on(event, (added.current = (...args) => latest.current(...args)));
  };
  // Added in a layout effect: before the provider connects (its layout effect runs after its children's). After
  // each render: a no-op while added.
  useLayoutEffectOnClient(add);
  // Removed in a passive effect's cleanup, on unmount (and StrictMode's, an `<Activity>`'s, a new target's or
  // event's, which adds again). A Suspense boundary showing its fallback again runs the layout effects' cleanups
  // but keeps the component mounted: the listener stays, and the events go on reaching it.
  useEffect(() => {
    add();
    return () => {
      target.off(event, added.current);
      added.current = undefined;
    };
  }, [target, event]);
}

/**
 * Calls `handler` on each `event` of the provider's client while the component is mounted: the lifecycle events
 * here; for the client's typed app events (Ignis, Socket.IO, Sockr) take `useEvent` from `hooksFor<YourClient>()`.
 * The handler may change on every render without the listener being re-added.
 */
export function useEvent<E extends LifecycleEventName>(event: E, handler: EventHandler<LifecycleClient, E>): void {
  useListener(useContextClient() as unknown as Listenable, event, handler as unknown as AnyListener);
}
