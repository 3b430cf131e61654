import { createContext, useContext } from './react-api';
import type { LifecycleClient } from '@polysocket/core';

/** The provider's client; null outside a provider. */
export const ClientContext = /* @__PURE__ */ createContext<LifecycleClient | null>(null);

/** The client of the nearest `PolySocketProvider`; throws outside one (a programming error). */
export function useContextClient(): LifecycleClient {
  const client = useContext(ClientContext);
  if (client === null)
    throw new Error(
      '@polysocket/react: this hook must be used inside a <PolySocketProvider> (Sockr: <SocketProvider>)',
    );
  return client;
}
