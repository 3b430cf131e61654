import { afterEach, describe, expect, it } from 'vitest';
import type { DisconnectEvent, PolySocketError } from '@polysocket/core';
import { SocketIOClient, type SocketIOClientOptions, socketioPolling } from '@polysocket/socketio';
import { sleep, startIo, startProxy, waitFor, type IoServer } from '../helpers/servers';

let server: IoServer | undefined;
const clients: SocketIOClient[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await server?.close();
  server = undefined;
});

function client(url: string, options: Partial<SocketIOClientOptions> = {}): SocketIOClient {
  const c = new SocketIOClient({
    url,
    transports: ['websocket'],
    backoff: { initialDelayMs: 50, maxDelayMs: 200, minDelayMs: 10 },
    browser: { network: null, document: null },
    ...options,
  });
  clients.push(c);
  return c;
}

describe('SocketIOClient against the real socket.io 4.8 server', () => {
  it('connects with an auth payload (static or a function called on every connect)', async () => {
    const seen: unknown[] = [];
    server = await startIo({}, (io) => io.use((socket, next) => (seen.push(socket.handshake.auth), next())));
    let n = 0;
    const c = client(server.url, { auth: (cb) => cb({ token: `t${++n}` }) });
    await c.connect();
    expect(c.connected).toBe(true);
    expect(c.id).toMatch(/.+/);
    expect(seen).toEqual([{ token: 't1' }]);
    // Close the Engine.IO session (not a Socket.IO disconnect): the client reconnects and calls auth again.
    for (const socket of server.io.sockets.sockets.values()) socket.conn.close();
    await waitFor(() => seen.length === 2 && c.connected, 'second connect');
    expect(seen[1]).toEqual({ token: 't2' });
  });

  it('events flow both ways, with acks both ways', async () => {
    server = await startIo({}, (io) =>
      io.on('connection', (socket) => {
        socket.on('hello', (name, ack) => ack?.(`hi ${name}`));
        socket.on('ask-me', async () => {
          const answer = await socket.timeout(2000).emitWithAck('question', 6, 7);
          socket.emit('answer', answer);
        });
        socket.emit('welcome', { n: 1 }, 'two');
      }),
    );
    const c = client(server.url);
    const welcome = new Promise<unknown[]>((resolve) => c.on('welcome', (...args) => resolve(args)));
    c.on('question', (a: number, b: number, ack: (value: number) => void) => ack(a * b));
    await c.connect();
    expect(await welcome).toEqual([{ n: 1 }, 'two']);
    expect(await c.emitWithAck('hello', 'bob')).toBe('hi bob');
    const answer = new Promise((resolve) => c.on('answer', resolve));
    await c.emit('ask-me');
    expect(await answer).toBe(42);
  });

  it('an ack that never comes times out by default (socket.io-client would wait forever)', async () => {
    server = await startIo({}, (io) => io.on('connection', (socket) => socket.on('silent', () => undefined)));
    const c = client(server.url, { ackTimeoutMs: 200 });
    await c.connect();
    // The message names the event and says what to do.
    await expect(c.emitWithAck('silent')).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringMatching(/^no ack for 'silent' within 200 ms: .*timeout\(ms\) or ackTimeoutMs/),
    });
    await expect(c.timeout(50).emitWithAck('silent')).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringMatching(/^no ack for 'silent' within 50 ms: /),
    });
  });

  it('carries binary payloads both ways', async () => {
    server = await startIo({}, (io) =>
      io.on('connection', (socket) => {
        socket.on('upload', (meta, bytes: Buffer, ack) =>
          ack({ name: meta.name, size: bytes.length, echo: bytes, parts: [Buffer.from([1]), Buffer.from([2, 3])] }),
        );
        socket.emit('blob', Buffer.from([9, 8, 7]), { nested: { inner: Buffer.from('hi') } });
      }),
    );
    const c = client(server.url);
    const blob = new Promise<unknown[]>((resolve) => c.on('blob', (...args) => resolve(args)));
    await c.connect();
    const [bytes, nested] = (await blob) as [Uint8Array, { nested: { inner: Uint8Array } }];
    expect([...bytes]).toEqual([9, 8, 7]);
    expect(new TextDecoder().decode(nested.nested.inner)).toBe('hi');
    const reply = (await c.emitWithAck('upload', { name: 'f.bin' }, new Uint8Array([1, 2, 3, 4, 5]))) as {
      name: string;
      size: number;
      echo: Uint8Array;
      parts: Uint8Array[];
    };
    expect(reply.name).toBe('f.bin');
    expect(reply.size).toBe(5);
    expect([...reply.echo]).toEqual([1, 2, 3, 4, 5]);
    expect(reply.parts.map((p) => [...p])).toEqual([[1], [2, 3]]);
  });

  it('multiplexes two namespaces over one Engine.IO connection', async () => {
    server = await startIo({}, (io) => {
      io.on('connection', (socket) => socket.on('where', (ack) => ack('main')));
      io.of('/admin').on('connection', (socket) => socket.on('where', (ack) => ack('admin')));
    });
    const c = client(server.url);
    const admin = c.socket('/admin');
    await c.connect();
    await waitFor(() => admin.connected, 'admin connected');
    expect(await c.emitWithAck('where')).toBe('main');
    expect(await admin.emitWithAck('where')).toBe('admin');
    expect(server.io.engine.clientsCount).toBe(1);
    expect(server.io.of('/admin').sockets.size).toBe(1);
  });

  it('a namespace opened while connected can be used at once (emits wait for its CONNECT)', async () => {
    server = await startIo({}, (io) =>
      io
        .of('/late')
        .on('connection', (socket) =>
          socket.on('say', (t: string, ack?: (v: string) => void) => ack?.(t.toUpperCase())),
        ),
    );
    const c = client(server.url);
    await c.connect();
    const late = c.socket('/late');
    const [reply] = await Promise.all([late.emitWithAck('say', 'now'), late.emit('say', 'also queued')]);
    expect(reply).toBe('NOW');
    expect(late.connected).toBe(true);
  });

  for (const transports of [['polling'], ['websocket'], ['polling', 'websocket']] as const) {
    it(`works over ${transports.join(' then upgrade to ')}`, async () => {
      const serverTransports: string[] = [];
      const sessions: { initial: string; upgradedTo?: string }[] = [];
      server = await startIo({}, (io) =>
        io.on('connection', (socket) => {
          const session: { initial: string; upgradedTo?: string } = { initial: socket.conn.transport.name };
          sessions.push(session);
          socket.conn.on('upgrade', (transport: { name: string }) => (session.upgradedTo = transport.name));
          socket.on('echo', (value, ack) => {
            serverTransports.push(socket.conn.transport.name);
            ack(value);
          });
        }),
      );
      const c = client(server.url, { transports: [...transports], polling: socketioPolling });
      await c.connect();
      const replies: unknown[] = [];
      for (let i = 0; i < 20; i++) {
        replies.push(await c.emitWithAck('echo', i));
        if (transports.length === 2) await sleep(10);
      }
      expect(replies).toEqual(Array.from({ length: 20 }, (_, i) => i));
      if (transports.length === 2) {
        await waitFor(() => c.transport === 'websocket', 'the upgrade');
        expect(await c.emitWithAck('echo', 'after upgrade')).toBe('after upgrade');
        expect(sessions).toEqual([{ initial: 'polling', upgradedTo: 'websocket' }]);
        expect(serverTransports[serverTransports.length - 1]).toBe('websocket');
      } else {
        expect(new Set(serverTransports)).toEqual(new Set([transports[0]]));
        expect(c.transport).toBe(transports[0]);
      }
    });
  }

  it('a URL with user:pass@ works over polling and the upgrade: Basic credentials, as ws sends them', async () => {
    const authorizations: (string | undefined)[] = [];
    server = await startIo({}, (io) => io.on('connection', (socket) => socket.on('echo', (value, ack) => ack(value))));
    server.io.engine.on('initial_headers', (_headers: unknown, request: { headers: Record<string, string> }) =>
      authorizations.push(request.headers.authorization),
    );
    const url = server.url.replace('http://', 'http://ann:p%40ss@');
    const errors: PolySocketError[] = [];
    const c = client(url, { transports: ['polling', 'websocket'], polling: socketioPolling });
    c.on('error', (e: PolySocketError) => errors.push(e));
    await c.connect();
    expect(await c.emitWithAck('echo', 1)).toBe(1);
    expect(authorizations[0]).toBe(`Basic ${Buffer.from('ann:p%40ss').toString('base64')}`);
    await waitFor(() => c.transport === 'websocket', 'the upgrade');
    expect(errors).toEqual([]);
  });

  it('a middleware rejection is a typed connect error and does not loop', async () => {
    let attempts = 0;
    server = await startIo({}, (io) =>
      io.use((_socket, next) => {
        attempts++;
        const error = new Error('not authorized') as Error & { data?: unknown };
        error.data = { reason: 'bad token' };
        next(error);
      }),
    );
    const c = client(server.url, { auth: { token: 'nope' } });
    const connectErrors: PolySocketError[] = [];
    c.on('connect_error', (e: PolySocketError) => connectErrors.push(e));
    const error = (await c.connect().catch((e: unknown) => e)) as PolySocketError;
    expect(error).toMatchObject({
      code: 'AUTH_FAILED',
      message: 'not authorized',
      retryable: false,
      cause: { reason: 'bad token' },
    });
    expect(connectErrors).toHaveLength(1);
    await sleep(400);
    expect(attempts).toBe(1);
    expect(c.state).toBe('failed');
  });

  it('a namespace the server does not have: NOT_FOUND saying to check the path, not a refused AUTH_FAILED', async () => {
    server = await startIo();
    const c = client(`${server.url}/missing`);
    const connectErrors: PolySocketError[] = [];
    c.on('connect_error', (e: PolySocketError) => connectErrors.push(e));
    const error = (await c.connect().catch((e: unknown) => e)) as PolySocketError;
    expect(error).toMatchObject({ code: 'NOT_FOUND', backendCode: 'Invalid namespace', retryable: false });
    expect(error.message).toMatch(/check the URL path/);
    expect(connectErrors).toEqual([error]);
    expect(c.state).toBe('failed');
    // Opened while connected: the same answer for that namespace alone.
    const main = client(server.url);
    await main.connect();
    const other = main.socket('/nowhere');
    const refused = new Promise<PolySocketError>((resolve) => other.on('connect_error', resolve));
    other.connect();
    expect(await refused).toMatchObject({ code: 'NOT_FOUND' });
    expect(main.connected).toBe(true);
  });

  it('a server-side disconnect ends the namespace, without reconnecting', async () => {
    server = await startIo({}, (io) =>
      io.on('connection', (socket) => {
        socket.on('kick-me', () => socket.disconnect());
        socket.on('never-acked', () => undefined);
      }),
    );
    const c = client(server.url);
    await c.connect();
    const reason = new Promise((resolve) => c.on('disconnect', resolve));
    const pendingAck = c.emitWithAck('never-acked');
    await c.emit('kick-me');
    expect(await reason).toBe('io server disconnect');
    await expect(pendingAck).rejects.toMatchObject({ code: 'DISCONNECTED', retryable: false });
    await sleep(300);
    expect(c.connected).toBe(false);
    expect(c.state).toBe('closed');
    expect(server.io.engine.clientsCount).toBe(0);
  });

  it('detects a server that stops answering within pingInterval + pingTimeout', async () => {
    server = await startIo({ pingInterval: 200, pingTimeout: 200 });
    const proxy = await startProxy(server.port);
    cleanups.push(() => proxy.close());
    const c = client(`http://127.0.0.1:${proxy.port}`, { reconnect: false });
    await c.connect();
    await sleep(250); // a ping or two went through
    const dropped = new Promise<DisconnectEvent>((resolve) => c.onLifecycle('disconnected', resolve));
    const frozenAt = Date.now();
    proxy.freeze();
    const event = await dropped;
    expect(event.reason).toMatch(/dead link/);
    const elapsed = Date.now() - frozenAt;
    expect(elapsed).toBeLessThanOrEqual(200 + 200 + 250);
  });

  it('reconnects after a server restart and delivers what was emitted meanwhile, in order', async () => {
    const received: number[] = [];
    const setup = (io: IoServer['io']): void => {
      io.on('connection', (socket) => socket.on('n', (value: number) => received.push(value)));
    };
    server = await startIo({}, setup);
    const c = client(server.url);
    await c.connect();
    for (let i = 0; i < 5; i++) await c.emit('n', i);
    await waitFor(() => received.length === 5, 'first five');
    const down = new Promise((resolve) => c.on('disconnect', resolve));
    const restart = server.restart(300);
    await down;
    const queued = [];
    for (let i = 5; i < 50; i++) queued.push(c.emit('n', i));
    await restart;
    expect(await Promise.all(queued)).toEqual(queued.map(() => true));
    await waitFor(() => received.length >= 50, 'all fifty');
    await sleep(50);
    expect(received).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('volatile emits are dropped while disconnected, never queued', async () => {
    const received: string[] = [];
    server = await startIo({}, (io) =>
      io.on('connection', (socket) => socket.on('v', (x: string) => received.push(x))),
    );
    const c = client(server.url, { autoConnect: false });
    await expect(c.volatile.emit('v', 'while idle')).rejects.toMatchObject({ code: 'INVALID' });
    await c.connect();
    expect(await c.volatile.emit('v', 'while connected')).toBe(true);
    await waitFor(() => received.length === 1, 'one');
    expect(received).toEqual(['while connected']);
  });

  it('refuses reserved event names', async () => {
    server = await startIo();
    const c = client(server.url, { autoConnect: false });
    for (const name of ['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']) {
      expect(() => c.emit(name)).toThrow(/reserved/);
    }
  });
});
