// One benchmark measurement in its own process: `client.ts <scenario> <kind> <host:port> <n>` prints JSON.
// Scenarios: inbound (CPU per message), rtt (sequential round trips), inflight (100 outstanding), heap (idle clients).
import WebSocket from 'ws';
import { io as officialIo } from 'socket.io-client';
import { Realtime } from '@foony/realtime';
import { FoonyClient, foonySeedWire } from '@polysocket/foony';
import { IgnisClient } from '@polysocket/ignis';
import { SocketIOClient } from '@polysocket/socketio';
import { SockrClient } from '@polysocket/sockr';

const [scenario, kind, host, nArg] = process.argv.slice(2);
const n = Number(nArg);
const quiet = { browser: { network: null, document: null } } as const;

interface Harness {
  /** Resolves when connected (and, for `stream`, when the server was asked to stream). */
  ready: Promise<void>;
  onMessage(listener: () => void): void;
  request(i: number): Promise<unknown>;
  close(): void;
}

type Mode = 'idle' | 'stream' | 'slow';

function make(kind: string, streamOrMode: boolean | Mode): Harness {
  const mode: Mode = streamOrMode === true ? 'stream' : streamOrMode === false ? 'idle' : streamOrMode;
  const stream = mode === 'stream';
  const slow = mode === 'slow';
  switch (kind) {
    case 'raw':
    case 'raw-foony-seed':
    case 'raw-ignis':
    case 'raw-sio':
    case 'raw-sockr': {
      // The ceiling: ws + JSON.parse of the same frames the adapter gets (Socket.IO's `42` prefix stripped).
      const as = kind === 'raw' ? 'raw' : kind === 'raw-foony-seed' ? 'foony' : kind.slice(4);
      const skip = as === 'sio' || as === 'sockr' ? 2 : 0;
      const ws = new WebSocket(`ws://${host}/raw${stream ? `?mode=stream&as=${as}` : slow ? '?mode=slow' : ''}`);
      const pending = new Map<number, () => void>();
      let listener: () => void = () => undefined;
      ws.on('message', (data) => {
        const text = data.toString();
        const frame = JSON.parse(skip ? text.slice(skip) : text) as { id?: number };
        if (frame.id !== undefined) pending.get(frame.id)?.();
        else listener();
      });
      return {
        ready: new Promise((resolve) => ws.once('open', () => resolve())),
        onMessage: (l) => (listener = l),
        request: (i) => new Promise<void>((resolve) => (pending.set(i, resolve), ws.send(`{"id":${i},"body":"ping"}`))),
        close: () => ws.terminate(),
      };
    }
    case 'raw-foony-binary': {
      // The ceiling on the binary wire: ws + a hand decoder of the msg record (no checks), on the same frames.
      const ws = new WebSocket(`ws://${host}/raw${stream ? '?mode=stream&as=foony-binary' : ''}`);
      let listener: () => void = () => undefined;
      ws.on('message', (data: Buffer) => {
        if (decodeMsgRecord(data) !== undefined) listener();
      });
      return {
        ready: new Promise((resolve) => ws.once('open', () => resolve())),
        onMessage: (l) => (listener = l),
        request: () => Promise.reject(new Error('not measured')),
        close: () => ws.terminate(),
      };
    }
    case 'foony-seed':
    case 'foony': {
      // `foony`: the default client (the binary records); `foony-seed`: the seed's JSON wire.
      const client =
        kind === 'foony'
          ? new FoonyClient({ url: `ws://${host}/foony-binary`, token: 't', ...quiet })
          : new FoonyClient({ url: `ws://${host}/foony`, token: 't', wire: foonySeedWire, ...quiet });
      let listener: () => void = () => undefined;
      return {
        ready: client.connect().then(() => {
          if (stream) client.channel('stream').subscribe(() => listener());
          if (slow) client.channel('slow').subscribe(() => listener());
        }),
        onMessage: (l) => (listener = l),
        request: (i) => client.channel('rtt').publish('x', i),
        close: () => client.close(),
      };
    }
    case 'foony-official': {
      // @foony/realtime 0.16 on the same binary frames (its only wire).
      const client = new Realtime({
        endpoint: `ws://${host}/foony-binary`,
        token: 't',
        transport: 'websocket',
        autoReconnect: slow,
        webSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      });
      let listener: () => void = () => undefined;
      const channel = client.channels.get(stream ? 'stream' : slow ? 'slow' : 'idle');
      return {
        ready: client.connect().then(() => {
          if (stream || slow) channel.subscribe(() => listener());
        }),
        onMessage: (l) => (listener = l),
        request: (i) => client.channels.get('rtt').publish('x', i),
        close: () => void client.close(),
      };
    }
    case 'ignis': {
      const client = new IgnisClient({ url: `ws://${host}/ignis`, auth: { token: 't', stream, slow }, ...quiet });
      let listener: () => void = () => undefined;
      client.on('tick', () => listener());
      return {
        ready: client.connect(),
        onMessage: (l) => (listener = l),
        request: (i) => client.request('echo', i),
        close: () => client.close(),
      };
    }
    case 'socketio': {
      const client = new SocketIOClient({
        url: `http://${host}`,
        transports: ['websocket'],
        auth: { stream, slow },
        ...quiet,
      });
      let listener: () => void = () => undefined;
      client.on('tick', () => listener());
      return {
        ready: client.connect(),
        onMessage: (l) => (listener = l),
        request: (i) => client.emitWithAck('echo', i),
        close: () => client.close(),
      };
    }
    case 'socket.io-client': {
      const socket = officialIo(`http://${host}`, {
        transports: ['websocket'],
        auth: { stream, slow },
        reconnection: slow,
      });
      let listener: () => void = () => undefined;
      socket.on('tick', () => listener());
      return {
        ready: new Promise((resolve) => socket.once('connect', () => resolve())),
        onMessage: (l) => (listener = l),
        request: (i) => socket.timeout(10_000).emitWithAck('echo', i),
        close: () => socket.close(),
      };
    }
    case 'socket.io-client/sockr': {
      // The official client receiving Sockr's frames (login by hand), for the Sockr-vs-socket.io-client ratio.
      const socket = officialIo(`http://${host}`, { transports: ['websocket'], reconnection: false });
      let listener: () => void = () => undefined;
      socket.on('receive_message', () => listener());
      return {
        ready: new Promise<void>((resolve) => socket.once('connect', () => resolve())).then(
          () => void socket.emit('authenticate', { token: 'stream' }),
        ),
        onMessage: (l) => (listener = l),
        request: () => Promise.reject(new Error('not measured')),
        close: () => socket.close(),
      };
    }
    case 'sockr': {
      const client = new SockrClient({
        url: `http://${host}`,
        token: stream ? 'stream' : slow ? 'slow' : 't',
        transports: ['websocket'],
        emitAuthEcho: false,
        catchUp: false,
        ...quiet,
      });
      let listener: () => void = () => undefined;
      client.on('message', () => listener());
      return {
        ready: client.connect(),
        onMessage: (l) => (listener = l),
        request: () => client.sendMessage('peer', 'x'),
        close: () => client.close(),
      };
    }
    default:
      throw new Error(`unknown kind ${kind}`);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Steady state only: CPU and time are measured from the 10 % mark to the last message, so start-up
 * (connect, handshake, JIT warm-up, and how large a backlog the client finds) does not skew the ratio.
 */
async function inbound(): Promise<unknown> {
  const harness = make(kind, true);
  const mark = Math.floor(n / 10);
  let count = 0;
  let startCpu: NodeJS.CpuUsage | undefined;
  let started = 0;
  const done = new Promise<void>((resolve) =>
    harness.onMessage(() => {
      if (++count === mark) {
        startCpu = process.cpuUsage();
        started = performance.now();
      } else if (count === n) resolve();
    }),
  );
  await harness.ready;
  await done;
  const cpu = process.cpuUsage(startCpu);
  const ms = performance.now() - started;
  harness.close();
  const measured = n - mark;
  return { cpuUsPerMessage: (cpu.user + cpu.system) / measured, messagesPerSecond: Math.round(measured / (ms / 1000)) };
}

async function rtt(): Promise<unknown> {
  const harness = make(kind, false);
  await harness.ready;
  for (let i = 0; i < 200; i++) await harness.request(i); // warm-up
  const latencies: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await harness.request(i);
    latencies.push(performance.now() - t);
  }
  harness.close();
  latencies.sort((a, b) => a - b);
  return { p50Us: percentile(latencies, 50) * 1000, p99Us: percentile(latencies, 99) * 1000 };
}

async function inflight(): Promise<unknown> {
  const harness = make(kind, false);
  await harness.ready;
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < n) await harness.request(next++);
  };
  await Promise.all(Array.from({ length: 100 }, worker));
  const ms = performance.now() - started;
  harness.close();
  return { requestsPerSecond: Math.round(n / (ms / 1000)) };
}

async function heap(): Promise<unknown> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  // Warm the module and allocation paths with one client first.
  const warm = make(kind, false);
  await warm.ready;
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const clients: Harness[] = [];
  for (let i = 0; i < n; i++) {
    const harness = make(kind, false);
    await harness.ready;
    clients.push(harness);
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  for (const c of [warm, ...clients]) c.close();
  return { bytesPerClient: Math.round((after - before) / n) };
}

/**
 * Recovery: prints READY once the slow stream flows, then, after the orchestrator restarts the server,
 * prints the epoch time of the first message that ends a silence of more than 200 ms.
 */
async function recovery(): Promise<unknown> {
  const harness = make(kind, 'slow');
  let last = 0;
  return new Promise((resolve) => {
    harness.onMessage(() => {
      const now = Date.now();
      if (last === 0) console.log('READY');
      else if (now - last > 200) {
        harness.close();
        resolve({ resumedAt: now });
      }
      last = now;
    });
  });
}

const run = { inbound, rtt, inflight, heap, recovery }[scenario as 'inbound'];
if (!run) throw new Error(`unknown scenario ${scenario}`);
run().then(
  (result) => {
    console.log(JSON.stringify(result));
    process.exit(0);
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

/** A hand decoder of one framed `msg` record of one message: its data and serial, nothing checked. */
function decodeMsgRecord(bytes: Buffer): { data: unknown; seq: number } | undefined {
  let at = 0;
  const uvarint = (): number => {
    let value = 0;
    for (let scale = 1; ; scale *= 128) {
      const b = bytes[at++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
    }
  };
  const str = (): string => {
    const length = uvarint();
    at += length;
    return bytes.toString('utf8', at - length, at);
  };
  uvarint(); // record length
  if (bytes[at++] !== 13) return undefined;
  uvarint(); // members
  at++; // flags
  uvarint(); // timestamp
  str(); // channel
  str(); // name
  const data: unknown = JSON.parse(str());
  str(); // messageId
  str(); // clientId
  str(); // encoding
  return { data, seq: uvarint() };
}
