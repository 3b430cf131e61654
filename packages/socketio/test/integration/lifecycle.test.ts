import { afterEach, expect, it } from 'vitest';
import { SocketIOClient, type TransportName } from '@polysocket/socketio';
import { sleep, startIo, waitFor, type IoServer } from '../helpers/servers';

let server: IoServer | undefined;
const clients: SocketIOClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server?.close();
  server = undefined;
});

for (const transports of [['websocket'], ['polling']] as TransportName[][]) {
  // socket.io-client's usual pattern: give up when the namespace disconnects. The close must win over the
  // reconnect the drop started: no retry timer, no new Engine.IO session.
  it(`close() inside the namespace disconnect listener leaves the client closed (${transports[0]})`, async () => {
    let sessions = 0;
    server = await startIo({}, (io) => io.engine.on('connection', () => sessions++));
    const client = new SocketIOClient({
      url: server.url,
      transports,
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
