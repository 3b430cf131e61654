import { afterEach, expect, it } from 'vitest';
import { SocketIOClient, type SocketIOClientOptions, type TransportName, socketioPolling } from '@polysocket/socketio';
import { startIo, startProxy, waitFor, type IoServer } from '../helpers/servers';

// Issue 14: the namespace `disconnect` reason is socket.io-client's (its Socket#onclose, Manager#onclose
// and engine.io-client's Socket#_onClose), where it used to be "client closed" or "".

let server: IoServer | undefined;
const clients: SocketIOClient[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await server?.close();
  server = undefined;
});

async function connected(
  options: Partial<SocketIOClientOptions> & { transports: TransportName[] },
  url = server!.url,
): Promise<{ client: SocketIOClient; reasons: string[] }> {
  const client = new SocketIOClient({
    url,
    autoConnect: false,
    backoff: { initialDelayMs: 20, maxDelayMs: 50, minDelayMs: 10 },
    browser: { network: null, document: null },
    polling: socketioPolling,
    ...options,
  });
  clients.push(client);
  const reasons: string[] = [];
  client.on('disconnect', (reason: string) => reasons.push(reason));
  await client.connect();
  return { client, reasons };
}

for (const transports of [['websocket'], ['polling']] as TransportName[][]) {
  const over = `over ${transports[0]}`;

  it(`io client disconnect: the app closed the client (${over})`, async () => {
    server = await startIo({}, (io) => io.of('/admin'));
    const { client, reasons } = await connected({ transports });
    const admin = client.socket('/admin');
    await waitFor(() => admin.connected, 'the second namespace');
    const adminReasons: string[] = [];
    admin.on('disconnect', (reason: string) => adminReasons.push(reason));
    client.close();
    expect(reasons).toEqual(['io client disconnect']);
    expect(adminReasons).toEqual(['io client disconnect']);
  });

  it(`io server disconnect: the server disconnected the socket (${over})`, async () => {
    server = await startIo({}, (io) =>
      io.on('connection', (socket) => socket.on('kick', () => socket.disconnect(true))),
    );
    const { client, reasons } = await connected({ transports });
    await client.emit('kick');
    await waitFor(() => reasons.length > 0, 'the disconnect');
    expect(reasons).toEqual(['io server disconnect']);
  });

  it(`transport close: the server closed the Engine.IO session; the namespace reconnects (${over})`, async () => {
    server = await startIo();
    const { client, reasons } = await connected({ transports });
    for (const socket of server.io.sockets.sockets.values()) socket.conn.close();
    await waitFor(() => reasons.length > 0, 'the disconnect');
    expect(reasons).toEqual(['transport close']);
    await waitFor(() => client.connected, 'the reconnect');
  });

  it(`ping timeout: the server went silent (${over})`, async () => {
    server = await startIo({ pingInterval: 200, pingTimeout: 200 });
    const proxy = await startProxy(server.port);
    cleanups.push(() => proxy.close());
    const { reasons } = await connected({ transports, reconnect: false }, `http://127.0.0.1:${proxy.port}`);
    proxy.freeze();
    await waitFor(() => reasons.length > 0, 'the dead link');
    expect(reasons).toEqual(['ping timeout']);
  });
}

it('transport error: a polling request failed (the server went away mid-poll)', async () => {
  server = await startIo();
  const { reasons } = await connected({ transports: ['polling'] });
  await server.close();
  await waitFor(() => reasons.length > 0, 'the disconnect');
  expect(reasons).toEqual(['transport error']);
});
