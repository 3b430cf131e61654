import { afterEach, describe, expect, it } from 'vitest';
import { SocketIOClient, type TransportName, socketioPolling } from '@polysocket/socketio';
import { sleep, startIo, waitFor, type IoServer, closeAll } from '../helpers/servers';

let server: IoServer | undefined;
const clients: SocketIOClient[] = [];

afterEach(() => closeAll(clients, server).then(() => (server = undefined)));

// Issue 14: a volatile emit made in the `connect` listener (the namespace is connected, the client is
// finishing its connect) returned false over polling, where socket.io-client delivers it.
describe.each([['polling'], ['polling', 'websocket'], ['websocket']] as TransportName[][])(
  'over %s',
  (...transports) => {
    it('a volatile emit in the connect listener (and right after connect) is delivered', async () => {
      const received: string[] = [];
      server = await startIo({}, (io) =>
        io.on('connection', (socket) => socket.on('v', (value: string) => received.push(value))),
      );
      const client = new SocketIOClient({
        url: server.url,
        transports,
        polling: socketioPolling,
        autoConnect: false,
        browser: { network: null, document: null },
      });
      clients.push(client);
      let inListener: Promise<boolean> | undefined;
      client.on('connect', () => {
        inListener = client.volatile.emit('v', 'in the connect listener');
      });
      await client.connect();
      expect(await inListener).toBe(true);
      expect(await client.volatile.emit('v', 'right after connect')).toBe(true);
      await waitFor(() => received.length === 2, 'both volatile emits');
      expect(received).toEqual(['in the connect listener', 'right after connect']);
    });
  },
);

it('a volatile emit while disconnected is still dropped (false), never queued', async () => {
  const received: string[] = [];
  server = await startIo({}, (io) =>
    io.on('connection', (socket) => socket.on('v', (value: string) => received.push(value))),
  );
  const client = new SocketIOClient({
    url: server.url,
    transports: ['polling'],
    polling: socketioPolling,
    autoConnect: false,
    backoff: { initialDelayMs: 200, maxDelayMs: 200 },
    browser: { network: null, document: null },
  });
  clients.push(client);
  await client.connect();
  const down = new Promise((resolve) => client.on('disconnect', resolve));
  for (const socket of server.io.sockets.sockets.values()) socket.conn.close();
  await down;
  expect(await client.volatile.emit('v', 'while down')).toBe(false);
  await waitFor(() => client.connected, 'the reconnect');
  await client.emit('v', 'after');
  await waitFor(() => received.length === 1, 'the emit after');
  await sleep(50);
  expect(received).toEqual(['after']);
});
