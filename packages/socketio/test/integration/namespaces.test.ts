import { afterEach, expect, it } from 'vitest';
import { SocketIOClient } from '@polysocket/socketio';
import { startIo, waitFor, type IoServer } from '../helpers/servers';

let server: IoServer | undefined;
const clients: SocketIOClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server?.close();
  server = undefined;
});

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
  const client = new SocketIOClient({ url: server.url, transports: ['websocket'], autoConnect: false, browser: { network: null, document: null } });
  clients.push(client);
  const a = client.socket('/a');
  const b = client.socket('/b');
  await client.connect();
  await waitFor(() => a.connected && b.connected, 'both namespaces');
  expect(await b.emitWithAck('wait')).toBe('real');
  expect(client.state).toBe('connected');
});
