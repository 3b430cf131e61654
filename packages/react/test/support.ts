import { screen } from '@testing-library/react';
import { FoonyMock, IgnisMock, MockServer, SockrMock, defaultModules } from '@polysocket/mock-server';
import { SockrClient, sockrTyping, type SockrClientOptions } from '@polysocket/sockr';

/** The mock server with every default module, on 127.0.0.1 port 0. */
export interface World {
  server: MockServer;
  foony: FoonyMock;
  ignis: IgnisMock;
  /** Socket.IO (Sockr's `/` and the generic `/demo` namespace). */
  sockr: SockrMock;
  foonyUrl: string;
  ignisUrl: string;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const modules = defaultModules({ foony: { ticker: undefined } });
  const foony = modules.find((module): module is FoonyMock => module instanceof FoonyMock)!;
  const ignis = modules.find((module): module is IgnisMock => module instanceof IgnisMock)!;
  const sockr = modules.find((module): module is SockrMock => module instanceof SockrMock)!;
  const server = new MockServer({ modules });
  await server.listen();
  return {
    server,
    foony,
    ignis,
    sockr,
    foonyUrl: server.wsUrl('/foony'),
    ignisUrl: server.wsUrl('/ignis'),
    close: () => server.close(),
  };
}

/** Fast retries for the drop tests; the page's lifecycle hooks off (jsdom has a window). */
export const quick = {
  backoff: { initialDelayMs: 20, maxDelayMs: 100, minDelayMs: 5 },
  browser: { network: null, document: null },
} as const;

/** Listener counts of the lifecycle events on an emitter (a client's connection), to compare before and after. */
export function lifecycleListeners(emitter: { listenerCount(event: string): number }): Record<string, number> {
  const events = ['state', 'connected', 'disconnected', 'reconnecting', 'error', 'rtt'];
  return Object.fromEntries(events.map((event) => [event, emitter.listenerCount(event)]));
}

/** Another Sockr user, connected (with the typing module); kept in `into` for the test to close. */
export async function sockrUser(
  world: World,
  userId: string,
  into: SockrClient[],
  options: Partial<SockrClientOptions> = {},
): Promise<SockrClient> {
  const client = new SockrClient({
    url: world.server.url,
    token: `token:${userId}`,
    autoConnect: false,
    typing: sockrTyping,
    ...quick,
    ...options,
  });
  into.push(client);
  await client.connect();
  return client;
}

/** The texts of the rendered list items, in order. */
export const items = (): string[] => screen.queryAllByRole('listitem').map((item) => item.textContent ?? '');

/** The text of the element with `data-testid={id}`. */
export const text = (id: string): string => screen.getByTestId(id).textContent ?? '';
