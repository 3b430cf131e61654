import { createServer } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import type { PolySocketError } from '@polysocket/core';
import { MockServer, sockrModule } from '@polysocket/mock-server';
import { SocketIOClient, type SocketIOClientOptions, type TransportName, socketioPolling } from '@polysocket/socketio';
import { waitFor } from '../helpers/servers';

// Needs the core's classification of transport errors (issue 14, "failures say why"): a numeric `status`
// on the error a transport reports while opening, and the cause of every failed attempt on its `error`.

let mock: MockServer | undefined;
const clients: SocketIOClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await mock?.close();
  mock = undefined;
});

function client(options: SocketIOClientOptions): SocketIOClient {
  const c = new SocketIOClient({
    autoConnect: false,
    backoff: { initialDelayMs: 20, maxDelayMs: 50, minDelayMs: 10 },
    browser: { network: null, document: null },
    polling: socketioPolling,
    ...options,
  });
  clients.push(c);
  return c;
}

/** Everything an error says about itself: message, codes, and its causes'. */
function told(error: unknown): string {
  const parts: string[] = [];
  for (
    let e = error as
        { message?: unknown; code?: unknown; backendCode?: unknown; status?: unknown; cause?: unknown } | undefined,
      depth = 0;
    e && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    parts.push(...[e.message, e.code, e.backendCode, e.status].filter((v) => v !== undefined).map(String));
  }
  return parts.join(' | ');
}

async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

it('polling to a wrong path ends failed with NOT_FOUND naming the 404, after one attempt', async () => {
  mock = new MockServer({ modules: [sockrModule()] });
  await mock.listen();
  const c = client({ url: mock.url, path: '/wrong/', transports: ['polling'] });
  const errors: PolySocketError[] = [];
  c.onLifecycle('error', (error) => errors.push(error));
  const stillTrying = new Promise((resolve) => setTimeout(() => resolve('still trying after 5 s'), 5000));
  const error = (await Promise.race([c.connect().catch((e: unknown) => e), stillTrying])) as PolySocketError;
  expect(c.state).toBe('failed');
  expect(error).toMatchObject({ code: 'NOT_FOUND', retryable: false, backendCode: 404 });
  expect(told(error)).toMatch(/404/);
  expect(errors.map((e) => e.code)).toEqual(['NOT_FOUND']);
});

for (const transports of [['polling'], ['websocket']] as TransportName[][]) {
  it(`a refused connection (${transports[0]}) is an error event whose cause names ECONNREFUSED, and the client retries`, async () => {
    const c = client({ url: `http://127.0.0.1:${await refusedPort()}`, transports });
    const errors: PolySocketError[] = [];
    c.onLifecycle('error', (error) => errors.push(error));
    c.connect().catch(() => undefined);
    await waitFor(() => errors.length >= 2, 'two failed attempts');
    expect(told(errors[0])).toMatch(/ECONNREFUSED/);
    expect(errors[0].retryable).toBe(true);
    expect(c.state === 'reconnecting' || c.state === 'connecting').toBe(true);
  });
}

it("a refusing server (503, the mock server's refuse fault) is retried, never a configuration error", async () => {
  mock = new MockServer({ modules: [sockrModule()] });
  await mock.listen();
  mock.faults.refuse(300);
  const c = client({ url: mock.url, transports: ['polling'] });
  const errors: PolySocketError[] = [];
  c.onLifecycle('error', (error) => errors.push(error));
  await c.connect();
  expect(errors.length).toBeGreaterThan(0);
  expect(told(errors[0])).toMatch(/503/);
});
