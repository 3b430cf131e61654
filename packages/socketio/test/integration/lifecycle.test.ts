import { afterEach, expect, it } from 'vitest';
import { SocketIOClient, type TransportName, socketioPolling } from '@polysocket/socketio';
import { sleep, startIo, waitFor, type IoServer, closeAll } from '../helpers/servers';

let server: IoServer | undefined;
const clients: SocketIOClient[] = [];

afterEach(() => closeAll(clients, server).then(() => (server = undefined)));

for (const transports of [['websocket'], ['polling']] as TransportName[][]) {
  // socket.io-client's usual pattern: give up when the namespace disconnects. The close must win over the
  // reconnect the drop started: no retry timer, no new Engine.IO session.
  it(`close() inside the namespace disconnect listener leaves the client closed (${transports[0]})`, async () => {
    let sessions = 0;
    server = await startIo({}, (io) => io.engine.on('connection', () => sessions++));
    const client = new SocketIOClient({
      url: server.url,
      transports,
      polling: socketioPolling,
      autoConnect: false,
      backoff: { initialDelayMs: 20, maxDelayMs: 50, minDelayMs: 10 },
      browser: { network: null, document: null },
    });
    clients.push(client);
    const reasons: string[] = [];
    client.on('disconnect', (reason: string) => {
      reasons.push(reason);
      client.close();
    });
    await client.connect();
    expect(sessions).toBe(1);

    for (const socket of server.io.sockets.sockets.values()) socket.conn.close(); // the server drops the Engine.IO session
    await waitFor(() => reasons.length > 0, 'the namespace disconnect');
    await sleep(2000);
    expect(client.state).toBe('closed');
    expect(sessions).toBe(1);
    expect(reasons).toHaveLength(1);
  });
}

const quietClient = (url: string): SocketIOClient => {
  const client = new SocketIOClient({
    url,
    transports: ['websocket'],
    autoConnect: false,
    browser: { network: null, document: null },
  });
  clients.push(client);
  return client;
};

// socket.io-client's recovery after `io server disconnect` is `socket.connect()`: connect() used to resolve
// `connected` while the main namespace stayed disconnected, and every emit failed.
it('connect() after the server disconnected the main namespace (the client closed) connects it again', async () => {
  const got: string[] = [];
  server = await startIo({}, (io) =>
    io.on('connection', (socket) => {
      socket.onAny((event: string) => got.push(event));
      socket.on('kick-me', () => socket.disconnect());
    }),
  );
  const client = quietClient(server.url);
  const reasons: string[] = [];
  client.on('disconnect', (reason: string) => reasons.push(reason));
  await client.connect();
  await client.emit('kick-me');
  await waitFor(() => client.state === 'closed', 'the client to close');
  expect(reasons).toEqual(['io server disconnect']);
  await client.connect();
  expect(client.connected).toBe(true);
  expect(await client.emit('hello')).toBe(true);
  await waitFor(() => got.includes('hello'), 'hello at the server');
});

it('connect() after the server disconnected the main namespace while another keeps the link up resolves once it is connected', async () => {
  const got: string[] = [];
  server = await startIo({}, (io) => {
    io.on('connection', (socket) => {
      socket.onAny((event: string) => got.push(event));
      socket.on('kick-me', () => socket.disconnect());
    });
    io.of('/admin').on('connection', () => undefined);
  });
  const client = quietClient(server.url);
  const admin = client.socket('/admin');
  await client.connect();
  await client.emit('kick-me');
  await waitFor(() => client.socket('/').state === 'disconnected', 'the kick');
  expect(admin.connected).toBe(true);
  expect(client.state).toBe('connected');
  await client.connect();
  expect(client.connected).toBe(true);
  expect(await client.emit('hello')).toBe(true);
  await waitFor(() => got.includes('hello'), 'hello at the server');
  expect(server.io.engine.clientsCount).toBe(1);
});

it('connect() after the main namespace was refused (the client failed) asks for it again', async () => {
  let refusals = 0;
  server = await startIo({}, (io) =>
    io.use((_socket, next) => (refusals++ === 0 ? next(new Error('not yet')) : next())),
  );
  const client = quietClient(server.url);
  await expect(client.connect()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
  expect(client.state).toBe('failed');
  await client.connect();
  expect(client.connected).toBe(true);
  expect(server.io.of('/').sockets.size).toBe(1);
});
