import { afterEach, expect, it } from 'vitest';
import type { ConnectionState, DisconnectEvent, PolySocketError } from '@polysocket/core';
import { SocketIOClient } from '@polysocket/socketio';
import { closeAll, startIo, waitFor, type IoServer } from '../helpers/servers';

// The lifecycle names every PolySocket client has (`state`, `connected`, `disconnected`, `reconnecting`,
// `error`, `rtt`) are lifecycle events on `client.on` too; an app event of the same name is `onEvent`'s.

let server: IoServer | undefined;
const clients: SocketIOClient[] = [];
afterEach(() => closeAll(clients, server).then(() => (server = undefined)));

const quiet = { transports: ['websocket' as const], autoConnect: false, browser: { network: null, document: null } };

it('on(lifecycle name) is the lifecycle, as on every PolySocket client; onEvent(same name) is the app event', async () => {
  server = await startIo({}, (io) =>
    io.on('connection', (socket) => {
      socket.on('please', () => {
        socket.emit('state', 'app-state');
        socket.emit('error', 'app-error');
        socket.emit('news', 'app-news');
      });
    }),
  );
  const client = new SocketIOClient({ url: server.url, ...quiet });
  clients.push(client);
  const lifecycle: string[] = [];
  const app: string[] = [];
  client.on('state', (state: ConnectionState, previous: ConnectionState) => lifecycle.push(`${previous}->${state}`));
  client.on('connected', (session) => lifecycle.push(`connected ${typeof session.sid}`));
  client.on('error', (error: PolySocketError) => lifecycle.push(`error ${error.code}`));
  client.once('disconnected', (event: DisconnectEvent) => lifecycle.push(`disconnected ${event.willReconnect}`));
  client.on('connect', () => app.push('connect'));
  client.onEvent('state', (value: string) => app.push(value));
  client.onEvent('error', (value: string) => app.push(value));
  client.on('news', (value: string) => app.push(value));

  await client.connect();
  expect(lifecycle).toEqual(['idle->connecting', 'connecting->connected', 'connected string']);
  await client.emit('please');
  await waitFor(() => app.includes('app-news'), 'the app events');
  expect(app).toEqual(['connect', 'app-state', 'app-error', 'app-news']);
  // No app event reached a lifecycle listener (an `error` listener gets PolySocketErrors only).
  expect(lifecycle).toEqual(['idle->connecting', 'connecting->connected', 'connected string']);

  // off(name) without a listener removes the app's listeners of that name, not the client's own: the
  // namespace still hears why the link went down.
  client.off('disconnected');
  client.off('state');
  client.offEvent('news');
  client.on('disconnect', (reason) => app.push(`disconnect: ${reason}`));
  client.close();
  expect(lifecycle).toEqual(['idle->connecting', 'connecting->connected', 'connected string']);
  expect(app).toEqual(['connect', 'app-state', 'app-error', 'app-news', 'disconnect: io client disconnect']);
});

it('the Socket.IO client keeps connecting in its constructor by default, as socket.io-client does (createClient does not)', async () => {
  server = await startIo();
  const client = new SocketIOClient({
    url: server.url,
    transports: ['websocket'],
    browser: { network: null, document: null },
  });
  clients.push(client);
  expect(client.state).toBe('connecting');
  await client.connect();
  expect(client.state).toBe('connected');
});

// A namespace keeps its listeners by event name in a plain object: names an ordinary object inherits must be events
// like any other, and an event nobody listens to must reach no inherited function.
it('app events named like Object.prototype members reach their listeners, and only them', async () => {
  server = await startIo({}, (io) =>
    io.on('connection', (socket) => {
      socket.on('please', () => {
        for (const [i, event] of ['hasOwnProperty', '__proto__', 'constructor', 'toString', 'last'].entries())
          socket.emit(event, i);
      });
    }),
  );
  const client = new SocketIOClient({ url: server.url, ...quiet });
  clients.push(client);
  const got: string[] = [];
  const errors: string[] = [];
  client.on('error', (error: PolySocketError) => errors.push(error.code));
  for (const event of ['__proto__', 'constructor', 'toString', 'last'])
    client.onEvent(event, (value: number) => got.push(`${event} ${value}`));
  await client.connect();
  await client.emit('please');
  await waitFor(() => got.includes('last 4'), 'the app events');
  expect(got).toEqual(['__proto__ 1', 'constructor 2', 'toString 3', 'last 4']);
  expect(errors).toEqual([]);
});
