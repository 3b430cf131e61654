import { FoonyClient, foonyPresence, type FoonyClientOptions } from '@polysocket/foony';
import { foonyModule, MockServer, type FoonyMock, type FoonyMockOptions } from '@polysocket/mock-server';

export interface FoonyWorld {
  server: MockServer;
  foony: FoonyMock;
  url: string;
  client(options?: Partial<FoonyClientOptions>): FoonyClient;
  close(): Promise<void>;
}

/** A mock server with the Foony module, and a factory for clients that are all closed afterwards. */
export async function foonyWorld(options: FoonyMockOptions = {}): Promise<FoonyWorld> {
  const foony = foonyModule(options);
  const server = new MockServer({ modules: [foony] });
  await server.listen();
  const url = server.wsUrl('/foony');
  const clients: FoonyClient[] = [];
  return {
    server,
    foony,
    url,
    client(overrides = {}) {
      const auth = (overrides.token ?? overrides.key ?? overrides.authCallback) ? {} : { token: 'valid-token' };
      const client = new FoonyClient({
        url,
        backoff: { initialDelayMs: 30, maxDelayMs: 150, minDelayMs: 5 },
        browser: { network: null, document: null },
        presence: foonyPresence,
        ...auth,
        ...overrides,
      } as FoonyClientOptions);
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.close();
      await server.close();
    },
  };
}

export { sleep, waitFor } from '../../../../test/support/wait';
