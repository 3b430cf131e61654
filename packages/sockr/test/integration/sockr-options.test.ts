import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionTuning, PolySocketError } from '@polysocket/core';
import { SockrClient, type SockrClientOptions } from '@polysocket/sockr';
import { sockrWorld } from '../helpers/setup';

const clients: SockrClient[] = [];
let blackhole: { server: Server; sockets: Set<Socket> } | undefined;

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  if (blackhole) {
    for (const socket of blackhole.sockets) socket.destroy();
    await new Promise((resolve) => blackhole!.server.close(resolve));
    blackhole = undefined;
  }
});

function newClient(options: Partial<SockrClientOptions>): SockrClient {
  const client = new SockrClient({
    url: 'http://127.0.0.1:9',
    token: 't',
    autoConnect: false,
    browser: { network: null, document: null },
    ...options,
  });
  clients.push(client);
  return client;
}

/** A TCP server that accepts and never answers: attempts only end by their timeouts. */
async function silentServer(): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  blackhole = { server, sockets };
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

describe('SockrClient options', () => {
  for (const url of ['not a url', 'localhost:8080', 'ftp://127.0.0.1:8080']) {
    it(`url ${JSON.stringify(url)} throws INVALID from the constructor`, () => {
      expect(() => new SockrClient({ url, token: 't', autoConnect: false })).toThrow(
        expect.objectContaining({ code: 'INVALID' }),
      );
    });
  }

  // token: '' used to loop (an attempt every ~100 ms) saying "getToken must return a non-empty token".
  it('a bad static token or a getToken that is not a function throws INVALID from the constructor, naming the option', () => {
    const url = 'http://127.0.0.1:1';
    for (const token of ['', 42, null] as unknown as string[]) {
      expect(() => new SockrClient({ url, token, autoConnect: false })).toThrow(
        expect.objectContaining({
          code: 'INVALID',
          message: 'SockrClient needs token (a non-empty string) or getToken (a function)',
        }),
      );
    }
    expect(() => new SockrClient({ url, getToken: 'token:ana' as never, autoConnect: false })).toThrow(
      expect.objectContaining({ code: 'INVALID', message: expect.stringContaining('getToken (a function)') }),
    );
  });

  // connectWaitMs, connectTimeoutMs and maxAttempts were dropped: connect() always waited the core's 20 s.
  it('every core tuning option reaches the connection', () => {
    const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    const random = (): number => 0.5;
    const tuning: { [K in keyof Required<ConnectionTuning>]: ConnectionTuning[K] } = {
      reconnect: false,
      backoff: { initialDelayMs: 11, maxDelayMs: 22 },
      maxAttempts: 3,
      minUptimeMs: 44,
      connectTimeoutMs: 55,
      connectWaitMs: 66,
      requestTimeoutMs: 77,
      outbox: { maxMessages: 88 },
      logger,
      random,
      browser: { network: null, document: null },
      maxFrameSize: 99,
      maxMessageSize: 111,
    };
    const client = newClient(tuning);
    // The connection keeps its tuning privately; reading it here pins that nothing is dropped on the way.
    const reached = (client.io.connection as unknown as { tuning: ConnectionTuning }).tuning;
    for (const key of Object.keys(tuning) as (keyof ConnectionTuning)[]) expect(reached[key], key).toEqual(tuning[key]);
  });

  it('the core names win over sockr-client’s, which still work alone', () => {
    const reached = (options: Partial<SockrClientOptions>): ConnectionTuning =>
      (newClient(options).io.connection as unknown as { tuning: ConnectionTuning }).tuning;
    expect(
      reached({ reconnection: false, reconnectionAttempts: 2, timeout: 300, reconnectionDelay: 40 }),
    ).toMatchObject({
      reconnect: false,
      maxAttempts: 2,
      connectTimeoutMs: 300,
      backoff: { initialDelayMs: 40 },
    });
    expect(
      reached({
        reconnection: false,
        reconnect: true,
        reconnectionAttempts: 2,
        maxAttempts: 5,
        timeout: 300,
        connectTimeoutMs: 400,
        reconnectionDelay: 40,
        backoff: { initialDelayMs: 50 },
      }),
    ).toMatchObject({ reconnect: true, maxAttempts: 5, connectTimeoutMs: 400, backoff: { initialDelayMs: 50 } });
  });

  it('connectWaitMs bounds connect(), connectTimeoutMs each attempt, maxAttempts the retries', async () => {
    const url = await silentServer();
    const client = newClient({
      url,
      connectWaitMs: 200,
      connectTimeoutMs: 100,
      maxAttempts: 2,
      backoff: { initialDelayMs: 10, maxDelayMs: 20, minDelayMs: 5 },
    });
    const errors: PolySocketError[] = [];
    client.on('error', (error) => errors.push(error));
    let attempts = 0;
    client.on('state', (state) => void (state === 'connecting' && attempts++));
    const waited = client.connect();
    await expect(waited).rejects.toMatchObject({ code: 'TIMEOUT' });
    while (client.state !== 'failed') await new Promise((resolve) => client.once('state', resolve));
    expect(attempts).toBe(3);
    expect(errors[0]).toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringContaining('not connected within 100 ms'),
    });
    expect(errors.at(-1)?.message).toContain('gave up after 2 reconnect attempts');
  });
});

describe('SockrClient url', () => {
  it('a path in the url is not a namespace: Sockr stays on /', async () => {
    const world = await sockrWorld();
    try {
      const client = await world.connected('ana', { url: `${world.url}/chat` });
      expect(client.isAuthenticated()).toBe(true);
      expect(client.io.socket('/').connected).toBe(true);
    } finally {
      await world.close();
    }
  });
});
