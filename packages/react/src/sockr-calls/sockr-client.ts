import { useContext } from '../react-api';
import type { SockrClient } from '@polysocket/sockr';
import { ClientContext } from '../context';

/**
 * The SockrClient a call hook works on: the one given, else the nearest `PolySocketProvider`'s. It must have the
 * calls module (`calls: sockrCalls`); without it the hooks' actions fail with the client's INVALID error.
 */
export function useSockrClient(given: SockrClient | undefined, hook: string): SockrClient {
  const provided = useContext(ClientContext);
  const client = (given ?? provided) as Partial<SockrClient> | null;
  if (client === null) throw new Error(`${hook} needs a <PolySocketProvider> or a \`client\` option`);
  if (typeof client.joinConference !== 'function' || typeof client.call !== 'function')
    throw new Error(`${hook} needs a SockrClient (with calls)`);
  return client as SockrClient;
}
