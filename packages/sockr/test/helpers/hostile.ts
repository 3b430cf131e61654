import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

/** A Socket.IO server whose middleware and login handler do what a test says (a careless or hostile server). */
export async function hostileServer(
  middleware: (query: Record<string, unknown>) => Error | undefined,
  onAuthenticate: (
    socket: { emit(event: string, data: unknown): void; disconnect(close: boolean): void },
    token: string,
  ) => void,
  onConnection?: (socket: {
    on(event: string, listener: () => void): void;
    emit(event: string, data: unknown): void;
  }) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const http: HttpServer = createServer();
  const io = new Server(http, { transports: ['websocket', 'polling'] });
  io.use((socket, next) => next(middleware(socket.handshake.query)));
  io.on('connection', (socket) => {
    socket.on('authenticate', ({ token }: { token: string }) => onAuthenticate(socket, token));
    onConnection?.(socket);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}
