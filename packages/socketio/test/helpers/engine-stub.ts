import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface EngineStubOptions {
  /** The open packet's JSON (defaults: sid, no upgrades, 25 s / 20 s, 1 MB). */
  open?: Record<string, unknown>;
  /** Called for every POST body; return true when the stub must not answer it (the request is held). */
  hold?: (body: string) => boolean;
  /** Answers a long-poll GET itself (after the handshake); return true when it did. */
  poll?: (response: ServerResponse) => boolean;
}

export interface EngineStub {
  url: string;
  /** Every request: `GET`, or `POST <body>`. */
  readonly log: string[];
  /** Queues an Engine.IO packet for the next poll. */
  push(packet: string): void;
  /** Requests held (see `hold`), with whether the client has gone from each. */
  readonly held: { body: string; closed: boolean }[];
  close(): Promise<void>;
}

/**
 * A scripted Engine.IO v4 long-polling server on 127.0.0.1 (one session): it answers the handshake,
 * CONNECTs (`40…` → `40{"sid"}`) and polls, so tests can misbehave where a real server would not.
 * Every answer says `Connection: close`, so no pooled keep-alive socket outlives a request.
 */
export async function startEngineStub(options: EngineStubOptions = {}): Promise<EngineStub> {
  const queue: string[] = [];
  let waiting: ServerResponse | undefined;
  const sockets = new Set<Socket>();
  const answer = (response: ServerResponse, body: string): void => {
    response.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8', connection: 'close' }).end(body);
  };
  const flush = (): void => {
    if (!waiting || queue.length === 0) return;
    const response = waiting;
    waiting = undefined;
    answer(response, queue.splice(0).join('\x1e'));
  };
  const stub: EngineStub = {
    url: '',
    log: [],
    held: [],
    push(packet) {
      queue.push(packet);
      flush();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const sid = new URL(request.url ?? '/', 'http://stub').searchParams.get('sid');
    if (request.method === 'GET') {
      stub.log.push('GET');
      if (sid === null) {
        const open = {
          sid: 'stub',
          upgrades: [],
          pingInterval: 25_000,
          pingTimeout: 20_000,
          maxPayload: 1_000_000,
          ...options.open,
        };
        return answer(response, `0${JSON.stringify(open)}`);
      }
      if (options.poll?.(response)) return;
      waiting = response;
      return flush();
    }
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      stub.log.push(`POST ${body}`);
      if (options.hold?.(body)) {
        const entry = { body, closed: false };
        stub.held.push(entry);
        request.socket.once('close', () => (entry.closed = true));
        return;
      }
      for (const packet of body.split('\x1e')) {
        if (packet.startsWith('40'))
          stub.push(`40${packet.charAt(2) === '/' ? packet.slice(2, packet.indexOf(',') + 1) : ''}{"sid":"nsp-sid"}`);
      }
      answer(response, 'ok');
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  stub.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return stub;
}
