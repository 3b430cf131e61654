import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, Socket as NetSocket, type Socket } from 'node:net';
import { Server, type ServerOptions } from 'socket.io';

export interface IoServer {
  io: Server;
  http: HttpServer;
  port: number;
  url: string;
  close(): Promise<void>;
  /** Stops and starts again on the same port (a server restart), running the same setup. */
  restart(downMs?: number): Promise<void>;
}

/** A test's cleanup: its clients, then its server. */
export async function closeAll(
  clients: { close(): void }[],
  server: { close(): Promise<void> } | undefined,
): Promise<void> {
  for (const client of clients.splice(0)) client.close();
  await server?.close();
}

export async function startIo(
  options: Partial<ServerOptions> = {},
  setup: (io: Server) => void = () => undefined,
  port = 0,
): Promise<IoServer> {
  const make = async (p: number): Promise<{ io: Server; http: HttpServer; port: number }> => {
    const http = createServer();
    const io = new Server(http, { pingInterval: 1000, pingTimeout: 1000, ...options });
    setup(io);
    await new Promise<void>((resolve) => http.listen(p, '127.0.0.1', resolve));
    const address = http.address();
    return { io, http, port: typeof address === 'object' && address ? address.port : p };
  };
  const first = await make(port);
  const server: IoServer = {
    ...first,
    url: `http://127.0.0.1:${first.port}`,
    async close() {
      // Like a process going away: no Socket.IO DISCONNECT packets, the transports just close.
      await new Promise<void>((resolve) => void server.io.close(() => resolve()));
      server.http.closeAllConnections?.();
    },
    async restart(downMs = 0) {
      await server.close();
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      Object.assign(server, await make(server.port));
    },
  };
  return server;
}

/** A TCP proxy on 127.0.0.1 that can go half-open: `freeze()` stops forwarding both ways, keeping the sockets. */
export async function startProxy(
  targetPort: number,
): Promise<{ port: number; freeze(): void; close(): Promise<void> }> {
  let frozen = false;
  const sockets = new Set<Socket>();
  const server = createTcpServer((client) => {
    const upstream = new NetSocket();
    sockets.add(client);
    sockets.add(upstream);
    upstream.connect(targetPort, '127.0.0.1');
    client.on('data', (chunk) => {
      if (!frozen) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!frozen) client.write(chunk);
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    freeze() {
      frozen = true;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export { sleep, waitFor } from '../../../../test/support/wait';
