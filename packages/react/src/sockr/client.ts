import type { SockrClient, SockrEvents } from '@polysocket/sockr';
import { useContextClient } from '../context';

/** The provider's client as a Sockr client; a clear error when it is another protocol's (a programming error). */
export function useSockrClient(): SockrClient {
  const client = useContextClient() as Partial<SockrClient>;
  if (typeof client.sendGroupMessage !== 'function')
    throw new Error('@polysocket/react/sockr: the provider holds no Sockr client (use <SocketProvider>)');
  return client as SockrClient;
}

/** A listener per Sockr event, each typed by its event. */
export type SockrHandlers = { [E in keyof SockrEvents]?: (...args: SockrEvents[E]) => void };

/** Adds each handler to the client; returns what removes them all (an effect's cleanup). */
export function listen(client: SockrClient, handlers: SockrHandlers): () => void {
  const entries = Object.entries(handlers) as [keyof SockrEvents, never][];
  for (const [event, handler] of entries) client.on(event, handler);
  return () => {
    for (const [event, handler] of entries) client.off(event, handler);
  };
}
