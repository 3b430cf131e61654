import type { SockrClient } from '@polysocket/sockr';
import { useContextClient } from '../context';

/** The provider's client as a Sockr client; a clear error when it is another protocol's (a programming error). */
export function useSockrClient(): SockrClient {
  const client = useContextClient() as Partial<SockrClient>;
  if (typeof client.sendGroupMessage !== 'function')
    throw new Error('@polysocket/react/sockr: the provider holds no Sockr client (use <SocketProvider>)');
  return client as SockrClient;
}
