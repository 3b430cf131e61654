import { MockServer, sockrModule, type SockrMock, type SockrMockOptions } from '@polysocket/mock-server';
import { SockrClient, type SockrClientOptions, type SockrEvents } from '@polysocket/sockr';

export interface SockrWorld {
  server: MockServer;
  sockr: SockrMock;
  url: string;
  client(user: string, options?: Partial<SockrClientOptions>): SockrClient;
  connected(user: string, options?: Partial<SockrClientOptions>): Promise<SockrClient>;
  close(): Promise<void>;
}

export async function sockrWorld(options: SockrMockOptions = {}): Promise<SockrWorld> {
  const sockr = sockrModule(options);
  const server = new MockServer({ modules: [sockr] });
  await server.listen();
  const clients: SockrClient[] = [];
  const world: SockrWorld = {
    server,
    sockr,
    url: server.url,
    client(user, overrides = {}) {
      const client = new SockrClient({
        url: server.url,
        token: `token:${user}`,
        autoConnect: false,
        backoff: { initialDelayMs: 30, maxDelayMs: 150, minDelayMs: 5 },
        browser: { network: null, document: null },
        ...overrides,
      });
      clients.push(client);
      return client;
    },
    async connected(user, overrides) {
      const client = world.client(user, overrides);
      await client.connect();
      return client;
    },
    async close() {
      for (const client of clients) client.close();
      await server.close();
    },
  };
  return world;
}

/** Records every payload of an event. */
export function record<E extends keyof SockrEvents>(client: SockrClient, event: E): SockrEvents[E][0][] {
  const seen: SockrEvents[E][0][] = [];
  client.on(event, ((...args: SockrEvents[E]) => seen.push(args[0])) as never);
  return seen;
}

export { sleep, waitFor } from '../../../../test/support/wait';
