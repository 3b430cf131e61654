// Benchmark server (its own process): minimal Foony, Ignis, Engine.IO/Socket.IO (and Sockr login)
// and raw endpoints on one port. Streams are pre-encoded WebSocket frames written straight to the socket
// with backpressure, so the client is the bottleneck. Prints "READY <port>" when listening.
import type { Socket } from 'node:net';
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ackRecord,
  connectedRecord,
  messageRecord,
  pongRecord,
  readClientRecord,
  resultRecord,
  splitRecords,
} from '../packages/mock-server/src/foony/binary-records';

const port = Number(process.argv[2] ?? 0);
const streamLength = Number(process.env.BENCH_STREAM ?? 200_000);
const payload = { user: 'bench-user-01', text: 'the quick brown fox jumps', n: 0 }; // about 100 bytes on the wire per frame

/** A slow live stream (one frame every 20 ms) for the recovery scenario. */
function trickle(ws: WebSocket, make: (n: number) => string | Buffer): void {
  let n = 0;
  const timer = setInterval(() => {
    if (ws.readyState === ws.OPEN) ws.send(make(++n));
  }, 20);
  ws.on('close', () => clearInterval(timer));
}

/**
 * Writes `frames` as pre-built WebSocket frames straight into the TCP socket, refilling on 'drain', so
 * the client always finds a full socket buffer: the server's own cost is a memcpy, and a fast client is
 * never left idle between batches (an idle client pays a wake-up per handful of messages, which would
 * make the fastest client look the most expensive per message).
 */
function stream(ws: WebSocket, frames: Buffer[]): void {
  const socket = (ws as unknown as { _socket: Socket })._socket;
  let i = 0;
  const pump = (): void => {
    while (i < frames.length && ws.readyState === ws.OPEN) {
      if (!socket.write(frames[i++])) return void socket.once('drain', pump);
    }
  };
  pump();
}

/** One unmasked server-to-client text (or, for bytes, binary) frame (RFC 6455 §5.2). */
function wsFrame(data: string | Buffer): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data) : data;
  const opcode = typeof data === 'string' ? 0x81 : 0x82;
  const length = payload.length;
  const header = length < 126 ? Buffer.from([opcode, length]) : Buffer.from([opcode, 126, length >> 8, length & 0xff]);
  if (length > 0xffff) throw new Error('bench frames are small');
  return Buffer.concat([header, payload]);
}

const frameCache = new Map<string, Buffer[]>();
/** The whole stream for `kind`, encoded once, in 256 KB chunks of whole frames. */
function frames(kind: string, make: (n: number) => string | Buffer): Buffer[] {
  let chunks = frameCache.get(kind);
  if (!chunks) {
    chunks = [];
    let pending: Buffer[] = [];
    let size = 0;
    for (let n = 1; n <= streamLength; n++) {
      const frame = wsFrame(make(n));
      pending.push(frame);
      size += frame.length;
      if (size >= 256 << 10 || n === streamLength) {
        chunks.push(Buffer.concat(pending));
        pending = [];
        size = 0;
      }
    }
    frameCache.set(kind, chunks);
  }
  return chunks;
}
const body = (n: number): string => JSON.stringify({ ...payload, n });

/** Each stream's n-th frame. */
const makers: Record<string, (n: number) => string | Buffer> = {
  raw: body,
  foony: (n) =>
    JSON.stringify({
      t: 'msg',
      channel: 'stream',
      name: 'tick',
      data: { ...payload, n },
      timestamp: 1700000000000 + n,
      messageId: `m${n}`,
    }),
  // The service's binary records: the same message, with its serial.
  'foony-binary': (n) =>
    messageRecord([
      {
        channel: 'stream',
        name: 'tick',
        data: { ...payload, n },
        timestamp: 1700000000000 + n,
        messageId: `m${n}`,
        serial: n,
      },
    ]),
  ignis: (n) => JSON.stringify({ event: 'tick', data: { ...payload, n } }),
  sio: (n) => `42["tick",${body(n)}]`,
  sockr: (n) =>
    `42["receive_message",${JSON.stringify({ from: 'peer', content: 'the quick brown fox jumps', timestamp: 1700000000000 + n, messageId: `m${n}` })}]`,
};

const http = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ noServer: true, maxPayload: 16 << 20 });
http.on('upgrade', (request, socket, head) => {
  const url = new URL(request.url ?? '/', 'http://x');
  wss.handleUpgrade(request, socket, head, (ws) => route(ws, url));
});

function route(ws: WebSocket, url: URL): void {
  switch (url.pathname) {
    case '/raw':
      return raw(ws, url);
    case '/foony':
      return foony(ws);
    case '/foony-binary':
      return foonyBinary(ws);
    case '/ignis':
      return ignis(ws);
    case '/socket.io/':
      return engine(ws);
    default:
      ws.close(4404);
  }
}

/**
 * Raw: `stream` streams JSON frames (`as=foony|ignis|sio|sockr`: exactly the frames that adapter's
 * stream carries, so each adapter has a baseline on identical bytes); any JSON it receives is echoed.
 */
function raw(ws: WebSocket, url: URL): void {
  if (url.searchParams.get('mode') === 'stream') stream(ws, frameCache.get(url.searchParams.get('as') ?? 'raw')!);
  if (url.searchParams.get('mode') === 'slow') trickle(ws, body);
  // The echo parses and re-encodes like every protocol endpoint here, so a round trip costs the server the same.
  ws.on('message', (data) => ws.send(JSON.stringify(JSON.parse(data.toString()))));
}

function foony(ws: WebSocket): void {
  let connection = 0;
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { t: string; id?: number; channel?: string };
    switch (frame.t) {
      case 'auth':
        // 15 s, like the mock server and a default Foony deployment: the client runs its heartbeat, as in production.
        ws.send(
          JSON.stringify({ t: 'connected', connectionId: `c${++connection}`, keepAliveMs: 15_000, clientId: 'bench' }),
        );
        return;
      case 'sub':
        ws.send(JSON.stringify({ t: 'ack', id: frame.id }));
        if (frame.channel === 'slow') {
          const base = Date.now();
          trickle(ws, (n) =>
            JSON.stringify({
              t: 'msg',
              channel: 'slow',
              name: 'tick',
              data: n,
              timestamp: base + n,
              messageId: `s${base}-${n}`,
            }),
          );
        }
        if (frame.channel === 'stream') {
          stream(ws, frames('foony', makers.foony));
        }
        return;
      case 'pub':
      case 'pres':
      case 'unsub':
        ws.send(`{"t":"ack","id":${frame.id}}`);
        return;
      case 'ping':
        ws.send('{"t":"pong"}');
        return;
      default:
        return;
    }
  });
}

/** Foony's binary wire: auth, sub (the `stream` channel streams), pub acks with a serial, ping. */
function foonyBinary(ws: WebSocket): void {
  let connection = 0;
  let serial = 0;
  ws.on('message', (data) => {
    for (const record of splitRecords(data as Buffer)) {
      const frame = readClientRecord(record);
      switch (frame.t) {
        case 'auth':
          ws.send(connectedRecord(`c${++connection}`, 15_000, 'bench'));
          break;
        case 'sub':
          // No history here: a resume is answered `resumed: false` (the client starts a new run).
          ws.send(ackRecord(frame.id, frame.lastSerial ? { resumed: false } : {}));
          if (frame.channel === 'stream') stream(ws, frames('foony-binary', makers['foony-binary']));
          if (frame.channel === 'slow') {
            const base = Date.now();
            trickle(ws, (n) =>
              messageRecord([
                { channel: 'slow', name: 'tick', data: n, timestamp: base + n, messageId: `s${base}-${n}`, serial: n },
              ]),
            );
          }
          break;
        case 'pub':
          ws.send(ackRecord(frame.id, { seq: ++serial }));
          break;
        case 'ping':
          ws.send(pongRecord());
          break;
        case 'fetch':
          ws.send(resultRecord('fetchRes', frame.id, frame.channel, [], false));
          break;
        default:
          if ('id' in frame) ws.send(ackRecord(frame.id));
      }
    }
  });
}

function ignis(ws: WebSocket): void {
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as {
      event: string;
      data?: { stream?: boolean; slow?: boolean };
      id?: string;
    };
    if (frame.event === 'authenticate') {
      ws.send(
        JSON.stringify({
          event: 'connected',
          data: { id: 'bench-client', userId: 'bench', time: new Date().toISOString() },
        }),
      );
      if (frame.data?.slow) trickle(ws, (n) => JSON.stringify({ event: 'tick', data: n }));
      if (frame.data?.stream) stream(ws, frames('ignis', makers.ignis));
    } else if (frame.event === 'echo') {
      ws.send(JSON.stringify({ event: 'echo', data: frame.data, id: frame.id }));
    }
  });
}

/** Engine.IO v4 over WebSocket, Socket.IO v5 on '/': `tick` streams, `echo` acks, and Sockr's login + messages. */
function engine(ws: WebSocket): void {
  ws.send(
    JSON.stringify({
      sid: `s${Math.random()}`,
      upgrades: [],
      pingInterval: 300000,
      pingTimeout: 300000,
      maxPayload: 1e7,
    }).replace(/^/, '0'),
  );
  ws.on('message', (data) => {
    const text = data.toString();
    if (text === '3') return; // pong
    if (text.startsWith('40')) {
      ws.send(`40{"sid":"n${Math.random()}"}`);
      const auth = text.length > 2 ? (JSON.parse(text.slice(2)) as { stream?: boolean; slow?: boolean }) : {};
      if (auth.stream) stream(ws, frames('sio', makers.sio));
      if (auth.slow) trickle(ws, (n) => `42["tick",${n}]`);
      return;
    }
    if (!text.startsWith('42')) return;
    const match = /^42(\d*)(\[.*)$/.exec(text);
    if (!match) return;
    const [event, arg] = JSON.parse(match[2]) as [string, Record<string, unknown>];
    if (event === 'echo' && match[1]) ws.send(`43${match[1]}[${JSON.stringify(arg)}]`);
    else if (event === 'authenticate') {
      ws.send(`42["authenticated",{"userId":"bench","socketId":"s"}]`);
      if (arg?.token === 'slow') {
        const base = Date.now();
        trickle(
          ws,
          (n) =>
            `42["receive_message",{"from":"peer","content":"x","timestamp":${base + n},"messageId":"s${base}-${n}"}]`,
        );
      }
      if (arg?.token === 'stream') {
        stream(ws, frames('sockr', makers.sockr));
      }
    } else if (event === 'send_message') ws.send(`42["message_delivered",{"messageId":"x"}]`);
  });
}

// Encode every stream before reporting ready, so no run pays for it.
for (const [kind, make] of Object.entries(makers)) frames(kind, make);

http.listen(port, '127.0.0.1', () => {
  const address = http.address();
  console.log(`READY ${typeof address === 'object' && address ? address.port : port}`);
});
process.on('SIGTERM', () => process.exit(0));
