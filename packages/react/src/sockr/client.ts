import type { SockrClient, SockrEvents } from '@polysocket/sockr';
import { ClientContext } from '../context';
import { useContext } from '../react-api';

/** The provider's client as a Sockr client; a clear error outside one or with another protocol's (a programming error). */
export function useSockrClient(): SockrClient {
  const client = useContext(ClientContext) as SockrClient | null;
  if (typeof client?.sendGroupMessage !== 'function')
    throw new Error('@polysocket/react/sockr: no Sockr client here (use <SocketProvider>)');
  return client;
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
