import type { Namespace } from 'socket.io';

/**
 * A small generic Socket.IO namespace (`/demo` on `npm start`'s server, next to Sockr's `/`), so the
 * generic Socket.IO client's acks, server events and namespaces can be tried against the mock server:
 *
 * - on connect it emits `welcome` with `hello <socket id>`;
 * - `add(a, b, ack)` acks with `a + b` (numbers);
 * - `echo(...args, ack)` acks with the same arguments (binary included);
 * - `say(text)` emits `said` with the text in upper case, to that socket;
 * - a CONNECT with `auth: { token: 'bad-token' }` is refused (`connect_error` "not authorized"); any other is taken.
 *
 * Whatever a client sends, nothing here throws: a missing ack callback or a non-number is ignored.
 */
export function mountSocketIODemo(namespace: Namespace): void {
  namespace.use((socket, next) => {
    const auth: unknown = socket.handshake.auth;
    const token = typeof auth === 'object' && auth !== null ? (auth as { token?: unknown }).token : undefined;
    next(token === 'bad-token' ? new Error('not authorized') : undefined);
  });
  namespace.on('connection', (socket) => {
    socket.emit('welcome', `hello ${socket.id}`);
    socket.on('add', (a: unknown, b: unknown, ack: unknown) => {
      if (typeof ack === 'function' && typeof a === 'number' && typeof b === 'number') ack(a + b);
    });
    socket.on('echo', (...args: unknown[]) => {
      const ack = args.pop();
      if (typeof ack === 'function') ack(...args);
    });
    socket.on('say', (text: unknown) => {
      if (typeof text === 'string') socket.emit('said', text.toUpperCase());
    });
  });
}
