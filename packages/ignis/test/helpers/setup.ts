import { IgnisClient, type IgnisClientOptions } from '@polysocket/ignis';
import { ignisModule, MockServer, type IgnisMock, type IgnisMockOptions } from '@polysocket/mock-server';

export interface IgnisWorld {
  server: MockServer;
  ignis: IgnisMock;
  url: string;
  client(options?: Partial<IgnisClientOptions>): IgnisClient;
  close(): Promise<void>;
}

export async function ignisWorld(options: IgnisMockOptions = {}): Promise<IgnisWorld> {
  const ignis = ignisModule(options);
  const server = new MockServer({ modules: [ignis] });
  await server.listen();
  const url = server.wsUrl('/ignis');
  const clients: IgnisClient[] = [];
  return {
    server,
    ignis,
    url,
    client(overrides = {}) {
      const client = new IgnisClient({
        url,
        ...(overrides.authProvider ? {} : { auth: { token: 'good-token' } }),
        backoff: { initialDelayMs: 30, maxDelayMs: 150, minDelayMs: 5 },
        browser: { network: null, document: null },
        ...overrides,
      });
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
