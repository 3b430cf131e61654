import { afterEach, describe, expect, it } from 'vitest';
import type { PolySocketError } from '@polysocket/core';
import { SocketIOClient, socketioPolling, type SocketIOClientOptions } from '@polysocket/socketio';
import { bundleOf } from '../../../../test/support/bundle';
import { closeAll, startIo, type IoServer } from '../helpers/servers';

// Issue 16: long-polling and the polling → WebSocket upgrade are the `socketioPolling` module. The default
// client is WebSocket only, and its bundle carries none of that code.

/** Strings only the polling module has: one from the polling transport, one from the upgrade. */
const MARKERS = ['polling transport is closed', 'upgrade probe failed'];

let server: IoServer | undefined;
const clients: SocketIOClient[] = [];
afterEach(() => closeAll(clients, server));

describe('the polling module', () => {
  it('is not in the bundle of the default client, and is in one that imports it', async () => {
    const plain = await bundleOf("import { SocketIOClient } from '@polysocket/socketio'; console.log(SocketIOClient);");
    const withPolling = await bundleOf(
      "import { SocketIOClient, socketioPolling } from '@polysocket/socketio'; console.log(SocketIOClient, socketioPolling);",
    );
    for (const marker of MARKERS) {
      expect(plain).not.toContain(marker);
      expect(withPolling).toContain(marker);
    }
  });

  for (const transports of [['polling'], ['polling', 'websocket'], ['websocket', 'polling']] as const) {
    it(`transports ${JSON.stringify(transports)} without it: INVALID naming the import`, () => {
      let error: unknown;
      try {
        new SocketIOClient({ url: 'http://127.0.0.1:1', transports: [...transports], autoConnect: false });
      } catch (caught) {
        error = caught;
      }
      expect(error).toMatchObject({ code: 'INVALID', message: expect.stringContaining('socketioPolling') });
    });
  }

  it('from JavaScript, a polling value that is not the module is INVALID at construction', () => {
    for (const polling of [true, {}, 'yes']) {
      let error: unknown;
      try {
        new SocketIOClient({
          url: 'http://127.0.0.1:1',
          transports: ['polling'],
          autoConnect: false,
          polling,
        } as unknown as SocketIOClientOptions);
      } catch (caught) {
        error = caught;
      }
      expect(error).toMatchObject({ code: 'INVALID', message: expect.stringContaining('socketioPolling') });
    }
  });

  it('the polling option takes the module only (a type error otherwise)', () => {
    // @ts-expect-error `polling: true` is not the module
    const options: SocketIOClientOptions = { url: 'http://127.0.0.1:1', polling: true };
    expect(options.polling).toBe(true);
  });

  it('by default the client connects over a WebSocket only (socket.io-client would poll first)', async () => {
    const transports: string[] = [];
    server = await startIo({}, (io) => io.on('connection', (socket) => transports.push(socket.conn.transport.name)));
    const client = new SocketIOClient({ url: server.url, browser: { network: null, document: null } });
    clients.push(client);
    await client.connect();
    expect(client.transport).toBe('websocket');
    expect(transports).toEqual(['websocket']);
  });

  it('with it, transports ["polling"] polls', async () => {
    server = await startIo();
    const client = new SocketIOClient({
      url: server.url,
      polling: socketioPolling,
      transports: ['polling'],
      browser: { network: null, document: null },
    });
    clients.push(client);
    await client.connect();
    expect(client.transport).toBe('polling');
  });

  it('with it, transports ["websocket", "polling"] polls after a WebSocket that never opened', async () => {
    // A WebSocket handshake that gets no answer (as through a proxy that blocks them): the next attempt polls.
    server = await startIo({ transports: ['polling'] }, (io) =>
      io.httpServer.prependListener('upgrade', (_request, socket: { destroy(): void }) => socket.destroy()),
    );
    const client = new SocketIOClient({
      url: server.url,
      polling: socketioPolling,
      transports: ['websocket', 'polling'],
      backoff: { initialDelayMs: 1, maxDelayMs: 1 },
      browser: { network: null, document: null },
    });
    clients.push(client);
    await client.connect();
    expect(client.transport).toBe('polling');
  });
  for (const [answer, refuse] of [
    ['400 (a polling-only socket.io server)', undefined],
    ['403 (a proxy that blocks WebSockets)', 403],
    ['404 (a proxy without the WebSocket route)', 404],
  ] as const)
    it(`with it, transports ["websocket", "polling"] polls after an HTTP ${answer} to the WebSocket upgrade`, async () => {
      server = await startIo({ transports: ['polling'] }, (io) => {
        if (refuse)
          io.httpServer.prependListener('upgrade', (_request, socket: { end(text: string): void }) =>
            socket.end(`HTTP/1.1 ${refuse} Blocked\r\ncontent-length: 0\r\n\r\n`),
          );
      });
      const client = fallbackClient(server.url);
      const errors: PolySocketError[] = [];
      client.onLifecycle('error', (error) => errors.push(error));
      await client.connect();
      expect(client.transport).toBe('polling');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ code: 'DISCONNECTED', retryable: true });
      expect(errors[0].message).toMatch(/HTTP|server response/);
    });

  it('with it, transports ["websocket", "polling"]: a 4xx to the upgrade and to the polling handshake fails (check the URL)', async () => {
    server = await startIo({}, (io) => {
      io.httpServer.prependListener('upgrade', (_request, socket: { end(text: string): void }) =>
        socket.end('HTTP/1.1 403 Blocked\r\ncontent-length: 0\r\n\r\n'),
      );
      io.engine.use((_request: unknown, response: { writeHead(status: number): { end(): void } }) =>
        response.writeHead(403).end(),
      );
    });
    const client = fallbackClient(server.url);
    const error = (await client.connect().catch((e: unknown) => e)) as PolySocketError;
    expect(client.state).toBe('failed');
    expect(error).toMatchObject({ code: 'FORBIDDEN', message: 'HTTP 403 on connect: check the URL and credentials' });
  });

  it('with it, transports ["websocket", "polling"]: close() during the first attempt, then connect(), starts on a WebSocket again', async () => {
    // The app closed an attempt that was on its way (React StrictMode mounts, unmounts, mounts again): the WebSocket did
    // not fail, so the next connect starts with the first transport, as socket.io-client does (it was a polling session
    // without upgrade).
    const transports: string[] = [];
    server = await startIo({}, (io) => io.on('connection', (socket) => transports.push(socket.conn.transport.name)));
    const client = new SocketIOClient({
      url: server.url,
      polling: socketioPolling,
      transports: ['websocket', 'polling'],
      browser: { network: null, document: null },
    });
    clients.push(client);
    client.close();
    await client.connect();
    expect(client.transport).toBe('websocket');
    expect(transports).toEqual(['websocket']);
  });
});

/** A client with the polling module and WebSocket first, retrying at once; closed after the test. */
function fallbackClient(url: string): SocketIOClient {
  const client = new SocketIOClient({
    url,
    polling: socketioPolling,
    transports: ['websocket', 'polling'],
    autoConnect: false,
    backoff: { initialDelayMs: 1, maxDelayMs: 1 },
    browser: { network: null, document: null },
  });
  clients.push(client);
  return client;
}
