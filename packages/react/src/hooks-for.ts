import type { ConnectionState, LifecycleClient } from '@polysocket/core';
import { useContextClient } from './context';
import type { EventHandler, EventName } from './events';
import { useConnectionState } from './use-client';
import { useListener, type Listenable } from './use-event';
import { usePublish, useRequest, type RequestOptions, type RequestState } from './use-request';

/** The generic hooks typed for the client the app's provider holds (see `hooksFor`). */
export interface PolySocketHooks<C extends LifecycleClient> {
  /** The provider's client, as `C`. */
  useClient(): C;
  /** The connection state (`useSyncExternalStore`). */
  useConnectionState(): ConnectionState;
  /** Each `event` of the client while mounted: lifecycle events and the client's typed app events. */
  useEvent<E extends EventName<C>>(event: E, handler: EventHandler<C, E>): void;
  /** A request with a pending/error state per call. */
  useRequest<Args extends unknown[], Result>(
    request: (client: C, ...args: Args) => Promise<Result>,
    options?: RequestOptions,
  ): RequestState<Args, Result>;
  /** A send with a pending/error state per call. */
  usePublish<Args extends unknown[]>(
    publish: (client: C, ...args: Args) => Promise<unknown>,
    options?: RequestOptions,
  ): RequestState<Args, void>;
}

function useTypedEvent(event: string, handler: (...args: never[]) => void): void {
  useListener(useContextClient() as unknown as Listenable, event, handler);
}

const hooks = { useClient: useContextClient, useConnectionState, useEvent: useTypedEvent, useRequest, usePublish };

/**
 * The generic hooks typed for your client: `const { useClient, useEvent } = hooksFor<IgnisClient<ServerEvents>>()`
 * at module level, then `useEvent('news', (data) => …)` with `data` typed. The same functions as the plain exports
 * (no cost): the type says which client the app's `PolySocketProvider` holds, which React cannot check.
 */
export function hooksFor<C extends LifecycleClient>(): PolySocketHooks<C> {
  return hooks as unknown as PolySocketHooks<C>;
}
