import { afterEach, expect, it } from 'vitest';
import type { PolySocketError } from '@polysocket/core';
import type { Server } from 'socket.io';
import { SocketIOClient } from '@polysocket/socketio';
import { sleep, startIo, waitFor, type IoServer, closeAll } from '../helpers/servers';

let server: IoServer | undefined;
const clients: SocketIOClient[] = [];

afterEach(() => closeAll(clients, server).then(() => (server = undefined)));

// Issue 14: acks were matched by id alone, and ids are shared by every namespace of the connection.
it('an ACK on one namespace never settles a request made on another with the same id', async () => {
  server = await startIo({}, (io) => {
    io.of('/a').on('connection', () => undefined);
    io.of('/b').on('connection', (socket) => {
      let id = '';
      socket.conn.on('packet', (packet: { type: string; data?: unknown }) => {
        const match = typeof packet.data === 'string' ? /^2\/b,(\d+)\["wait"/.exec(packet.data) : null;
        if (match) id = match[1];
      });
      socket.on('wait', (ack: (value: string) => void) => {
        socket.conn.write(`3/a,${id}["forged on /a"]`); // an ACK with the request's id, on the wrong namespace
        setTimeout(() => ack('real'), 50);
      });
    });
  });
  const client = new SocketIOClient({
    url: server.url,
    transports: ['websocket'],
    autoConnect: false,
    browser: { network: null, document: null },
  });
  clients.push(client);
  const a = client.socket('/a');
  const b = client.socket('/b');
  await client.connect();
  await waitFor(() => a.connected && b.connected, 'both namespaces');
  expect(await b.emitWithAck('wait')).toBe('real');
  expect(client.state).toBe('connected');
});

const newClient = (
  url: string,
  options: Partial<ConstructorParameters<typeof SocketIOClient>[0]> = {},
): SocketIOClient => {
  const client = new SocketIOClient({
    url,
    transports: ['websocket'],
    autoConnect: false,
    browser: { network: null, document: null },
    ...options,
  });
  clients.push(client);
  return client;
};

/** Records the events each namespace's server sockets receive, as `nsp event`. */
function recordEvents(io: Server, namespaces: string[], got: string[]): void {
  for (const nsp of namespaces)
    io.of(nsp).on('connection', (socket) => socket.onAny((event: string) => got.push(`${nsp} ${event}`)));
}

// A namespace asked for while the restore runs (a `connect` listener) was handed to a restore that had already
// started: it stayed `connecting`, and its gated emit at the head of the outbox held back every later emit.
it('a namespace opened in the main namespace’s connect listener connects, and nothing waits behind it', async () => {
  const got: string[] = [];
  server = await startIo({}, (io) => recordEvents(io, ['/', '/admin'], got));
  const client = newClient(server.url);
  let admin: ReturnType<SocketIOClient['socket']> | undefined;
  client.once('connect', () => {
    admin = client.socket('/admin');
    void admin.emit('admin-hello');
  });
  await client.connect();
  expect(admin?.connected).toBe(true);
  await client.emit('main-after');
  await waitFor(() => got.length === 2, 'both emits at the server');
  expect(got).toEqual(['/admin admin-hello', '/ main-after']);
});

it('a namespace that calls connect() from its own connect_error listener is tried again in the same connect', async () => {
  let refusals = 0;
  server = await startIo({}, (io) =>
    io.of('/admin').use((_socket, next) => (refusals++ === 0 ? next(new Error('not yet')) : next())),
  );
  const client = newClient(server.url);
  const admin = client.socket('/admin');
  const errors: string[] = [];
  admin.on('connect_error', (error: Error) => {
    errors.push(error.message);
    admin.connect();
  });
  await client.connect();
  await waitFor(() => admin.connected, 'admin connected on the second try');
  expect(errors).toEqual(['not yet']);
  expect(await client.emit('after')).toBe(true);
});

it('a namespace whose CONNECT is never answered fails with TIMEOUT and does not hold back other namespaces', async () => {
  const got: string[] = [];
  server = await startIo({}, (io) => {
    recordEvents(io, ['/'], got);
    io.of('/silent').use(() => undefined); // a middleware that never calls next(): no answer
  });
  const client = newClient(server.url, { connectTimeoutMs: 500 });
  await client.connect();
  const silent = client.socket('/silent');
  const failure = new Promise<PolySocketError>((resolve) => silent.on('connect_error', resolve));
  const stuck = silent.emit('never');
  const main = client.emit('main-after');
  expect(await failure).toMatchObject({
    code: 'TIMEOUT',
    message: expect.stringMatching(
      /^no answer to the CONNECT of namespace '\/silent' within 500 ms: .*connectTimeoutMs/,
    ),
  });
  expect(silent.state).toBe('failed');
  await expect(stuck).rejects.toMatchObject({ code: 'TIMEOUT' });
  expect(await main).toBe(true);
  await waitFor(() => got.length === 1, 'the main emit at the server');
  expect(client.state).toBe('connected');
});

it('leaving a namespace whose CONNECT is unanswered rejects what waited for it and lets the rest go at once', async () => {
  const got: string[] = [];
  server = await startIo({}, (io) => {
    recordEvents(io, ['/'], got);
    io.of('/silent').use(() => undefined);
  });
  const client = newClient(server.url);
  await client.connect();
  const silent = client.socket('/silent');
  const stuck = silent.emit('never');
  const main = client.emit('main-after');
  silent.disconnect();
  await expect(stuck).rejects.toMatchObject({
    code: 'DISCONNECTED',
    message: 'namespace /silent is disconnected: call connect() to reopen',
  });
  expect(await main).toBe(true);
  await waitFor(() => got.length === 1, 'the main emit at the server');
});

// The restore used to mark the namespace connected again after its `connect` listener had left it: `connect`
// fired twice, the client thought it connected, and the next emit made the server close the whole link.
it('a namespace left in its first connect listener stays left', async () => {
  server = await startIo();
  const client = newClient(server.url);
  const events: string[] = [];
  client.on('connect', () => events.push('connect'));
  client.on('disconnect', (reason: string) => events.push(`disconnect ${reason}`));
  client.onLifecycle('disconnected', () => events.push('link lost'));
  client.once('connect', () => client.socket('/').disconnect());
  await client.connect();
  expect(client.socket('/').state).toBe('disconnected');
  expect(client.connected).toBe(false);
  await expect(client.emit('hello')).rejects.toMatchObject({
    code: 'DISCONNECTED',
    message: 'namespace / is disconnected: call connect() to reopen',
  });
  await waitFor(() => server!.io.of('/').sockets.size === 0, 'the server to drop the namespace');
  await sleep(200);
  expect(events).toEqual(['connect', 'disconnect io client disconnect']);
  expect(client.state).toBe('connected');
});

it('a namespace left while its CONNECT is on the way stays left, on the server too', async () => {
  const serverSide: string[] = [];
  server = await startIo({}, (io) => {
    io.of('/slow').use((_socket, next) => setTimeout(next, 100));
    io.of('/slow').on('connection', (socket) => {
      serverSide.push('connection');
      socket.on('disconnect', (reason: string) => serverSide.push(reason));
    });
  });
  const client = newClient(server.url);
  await client.connect();
  const slow = client.socket('/slow');
  const events: string[] = [];
  slow.on('connect', () => events.push('connect'));
  slow.on('connect_error', () => events.push('connect_error'));
  await sleep(20); // the CONNECT is at the server, in its middleware
  slow.disconnect();
  await waitFor(() => serverSide.length === 2, 'the server to connect the namespace, then drop it');
  expect(serverSide).toEqual(['connection', 'client namespace disconnect']);
  expect(events).toEqual([]);
  expect(slow.state).toBe('disconnected');
  expect(client.state).toBe('connected');
});

// socket.io-client's `io('http://host/admin')` connects the namespace /admin; the client connected `/`.
it('the url’s path names the main namespace, as in socket.io-client (path stays the Engine.IO endpoint)', async () => {
  const got: string[] = [];
  server = await startIo({ path: '/engine/' }, (io) => {
    recordEvents(io, ['/', '/admin'], got);
    io.of('/admin').on('connection', (socket) =>
      socket.on('where', (ack: (nsp: string) => void) => ack(socket.nsp.name)),
    );
  });
  const client = newClient(`${server.url}/admin?tenant=1`, { path: '/engine/' });
  await client.connect();
  expect(client.connected).toBe(true);
  expect(await client.emitWithAck('where')).toBe('/admin');
  await client.emit('hello');
  await waitFor(() => got.length === 2, 'hello at the server');
  expect(got).toEqual(['/admin where', '/admin hello']);
  expect(server.io.of('/').sockets.size).toBe(0);
  expect(client.socket('/admin')).toBe(client.socket('admin'));
  expect(client.socket('/')).not.toBe(client.socket('/admin'));
});
