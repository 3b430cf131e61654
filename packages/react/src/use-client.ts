import { useCallback, useSyncExternalStore } from './react-api';
import type { ConnectionState, LifecycleClient } from '@polysocket/core';
import { useContextClient } from './context';

/**
 * The provider's client, as every client is (`state`, `connect`, `close`, the lifecycle events). For the client's
 * own type — `FoonyClient`, `IgnisClient<Events>` — take `useClient` from `hooksFor<FoonyClient>()`.
 */
export function useClient(): LifecycleClient {
  return useContextClient();
}

/**
 * The client's connection state (`idle`, `connecting`, `connected`, `reconnecting`, `closed`, `failed`), read with
 * `useSyncExternalStore`: every component of one render sees the same state.
 */
export function useConnectionState(): ConnectionState {
  const client = useContextClient();
  const subscribe = useCallback(
    (changed: () => void) => {
      client.on('state', changed);
      return () => void client.off('state', changed);
    },
    [client],
  );
  const read = (): ConnectionState => client.state;
  return useSyncExternalStore(subscribe, read, read);
}
