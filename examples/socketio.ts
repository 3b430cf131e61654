// A Socket.IO client on the PolySocket core, against the real `socket.io` server.
//
//   npx tsx examples/socketio.ts                              # starts an embedded socket.io server
//   npx tsx examples/socketio.ts http://127.0.0.1:3000         # or a server of yours with the same handlers
//
// A server of yours needs what the embedded one has: an auth middleware taking the token `secret`, an `add`
// ack and a `/chat` namespace answering `say` with `said`; its acks time out otherwise. For `npm start`'s
// mock server (whose `/` is Sockr's), see the runnable block in docs/socketio.md, on its `/demo` namespace.
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { SocketIOClient, socketioPolling } from '@polysocket/socketio';

export async function main(url?: string, log: (line: string) => void = console.log): Promise<unknown[]> {
  let stop: (() => Promise<void>) | undefined;
  if (!url) {
    const http = createServer();
    const io = new Server(http);
    io.use((socket, next) => (socket.handshake.auth.token === 'secret' ? next() : next(new Error('not authorized'))));
    io.on('connection', (socket) => {
      socket.on('add', (a: number, b: number, ack: (sum: number) => void) => ack(a + b));
      socket.emit('welcome', `hello ${socket.id}`);
    });
    io.of('/chat').on('connection', (socket) =>
      socket.on('say', (text: string) => socket.emit('said', text.toUpperCase())),
    );
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const address = http.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    stop = () => new Promise((resolve) => void io.close(() => resolve()));
  }
  const results: unknown[] = [];
  // Long-polling, then the upgrade to a WebSocket, as socket.io-client does: the polling module does that (the
  // default, without it, is WebSocket only).
  const client = new SocketIOClient({
    url,
    auth: { token: 'secret' },
    transports: ['polling', 'websocket'],
    polling: socketioPolling,
  });
  try {
    client.on('welcome', (text: string) => log(`welcome: ${text}`));
    await client.connect();
    log(`connected as ${client.id} over ${client.transport}`);

    results.push(await client.emitWithAck('add', 2, 3)); // acks time out after 10 s by default
    log(`2 + 3 = ${results[0]}`);

    const chat = client.socket('/chat'); // a second namespace on the same connection
    const said = new Promise((resolve) => chat.once('said', resolve));
    await chat.emit('say', 'namespaces share one connection');
    results.push(await said);
    log(`chat: ${results[1]}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    log(`transport now: ${client.transport}`);
    return results;
  } finally {
    client.close();
    await stop?.();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv[2]).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
