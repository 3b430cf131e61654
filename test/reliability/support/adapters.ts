import { type BrowserHooksOptions, type ConnectionState, type ReconnectingEvent } from '@polysocket/core';
import { FoonyClient, type FoonyChannel } from '@polysocket/foony';
import { IgnisClient } from '@polysocket/ignis';
import { foonyModule, ignisModule, MockServer, sockrModule, type ProtocolModule } from '@polysocket/mock-server';
import { SocketIOClient, socketioPolling } from '@polysocket/socketio';
import { SockrClient } from '@polysocket/sockr';

/**
 * One adapter as the reliability runs drive it: a mock server with its module on loopback, clients
 * built the way an app would build them, and the server-side APIs that push a stream to a client.
 * Every client here goes through a real WebSocket on 127.0.0.1.
 */
export interface Rig {
  readonly name: AdapterName;
  readonly server: MockServer;
  /** A client that has not connected yet; `id` makes its identity unique where the backend cares (Sockr users). */
  client(id: number, browser?: BrowserHooksOptions): RigClient;
  /** Sessions the server holds for this adapter (authenticated ones where the backend has a login). */
  serverSessions(): number;
  /** Server → every connected client: stream message number `n` (Foony publish, Ignis broadcast, Socket.IO emit, Sockr direct message). */
  push(n: number): void;
  /** Empties the mock's own diagnostics (auth and event logs), so heap figures measure the client, not the test server. */
  trimServerLogs(): void;
  close(): Promise<void>;
}

export interface RigClient {
  readonly state: ConnectionState;
  connect(): Promise<void>;
  close(): void;
  /** The adapter's own `reconnecting` event (`{ attempt, delayMs }`). */
  onReconnecting(listener: (event: ReconnectingEvent) => void): void;
  onState(listener: (state: ConnectionState) => void): void;
  /** Receives the numbers `push` sends (subscribing to the stream: a Foony channel, an event name). */
  onStream(listener: (n: number) => void): void;
  /** The stream's subscription is in place on the server (a Foony channel is attached once its `sub` is acked, after `connect()` resolved). */
  streamReady(): boolean;
  /** Listener counts of every emitter the client owns (the app's and its own), by `emitter:event`. */
  listenerCounts(): Record<string, number>;
}

export type AdapterName = 'Foony' | 'Ignis' | 'Socket.IO' | 'Socket.IO (polling)' | 'Sockr';

const STREAM = 'life';
const noHooks: BrowserHooksOptions = { network: null, document: null };

interface EmitterLike {
  eventNames(): (string | symbol)[];
  listenerCount(event: string | symbol): number;
}

function countsOf(prefix: string, emitter: EmitterLike, into: Record<string, number>): Record<string, number> {
  for (const event of emitter.eventNames()) into[`${prefix}:${String(event)}`] = emitter.listenerCount(event);
  return into;
}

/** SocketIOSocket keeps its listeners in a private prototype-less table (`lists`: event → a listener or an array of
 * them; `onAny`'s under a symbol); read it, and fail loudly if that ever changes. */
function socketCounts(prefix: string, socket: object, into: Record<string, number>): Record<string, number> {
  const { lists } = socket as { lists?: unknown };
  if (typeof lists !== 'object' || lists === null || Object.getPrototypeOf(lists) === Object.prototype)
    throw new Error('SocketIOSocket no longer keeps listeners in its `lists` table: update the listener check');
  const table = lists as Record<string | symbol, undefined | ((...args: unknown[]) => void) | readonly unknown[]>;
  for (const event of Reflect.ownKeys(table)) {
    const entry = table[event];
    const count = entry === undefined ? 0 : typeof entry === 'function' ? 1 : entry.length;
    if (count > 0) into[`${prefix}:${typeof event === 'symbol' ? '*' : event}`] = count;
  }
  return into;
}

/** A mock server with `module` mounted, listening on 127.0.0.1. */
async function listening(module: ProtocolModule): Promise<MockServer> {
  const server = new MockServer({ modules: [module] });
  await server.listen();
  return server;
}

/** The lifecycle part every adapter's client has in common, plus what is adapter-specific. */
function rigClient(
  client: { readonly state: ConnectionState; connect(): Promise<void>; close(): void },
  rest: Omit<RigClient, 'state' | 'connect' | 'close' | 'streamReady'> & { streamReady?: () => boolean },
): RigClient {
  return {
    get state() {
      return client.state;
    },
    connect: () => client.connect(),
    close: () => client.close(),
    streamReady: () => true,
    ...rest,
  };
}

async function foony(): Promise<Rig> {
  // The client's default (binary) wire resumes its connectionId, so the mock keeps an ended session's presence for
  // a grace period, with a timer: none here, as the long-life test counts the process's handles.
  const mock = foonyModule({ resumeGraceMs: 0 });
  const server = await listening(mock);
  return {
    name: 'Foony',
    server,
    client(_id, browser = noHooks) {
      const client = new FoonyClient({ url: server.wsUrl('/foony'), token: 'valid-token', browser });
      let channel: FoonyChannel | undefined;
      return rigClient(client, {
        onReconnecting: (listener) => void client.on('reconnecting', listener),
        onState: (listener) => void client.on('state', listener),
        onStream: (listener) => {
          channel = client.channel(STREAM);
          channel.subscribe((message) => listener(message.data as number));
        },
        streamReady: () => channel?.state === 'attached',
        listenerCounts: () => {
          const counts = countsOf('connection', client.connection, {});
          return channel ? countsOf('channel', channel, counts) : counts;
        },
      });
    },
    serverSessions: () => server.connections('/foony').length,
    push: (n) => void mock.publish(STREAM, 'n', n),
    trimServerLogs: () => void (mock.authLog.length = 0),
    close: () => server.close(),
  };
}

async function ignis(): Promise<Rig> {
  const mock = ignisModule();
  const server = await listening(mock);
  return {
    name: 'Ignis',
    server,
    client(_id, browser = noHooks) {
      const client = new IgnisClient({ url: server.wsUrl('/ignis'), auth: { token: 'good-token' }, browser });
      return rigClient(client, {
        onReconnecting: (listener) => void client.on('reconnecting', listener),
        onState: (listener) => void client.on('state', listener),
        onStream: (listener) => void client.on(STREAM, (data) => listener(data as number)),
        listenerCounts: () => countsOf('connection', client.connection, {}),
      });
    },
    serverSessions: () => mock.clientList().filter((c) => c.state === 'authenticated').length,
    push: (n) => mock.broadcast(STREAM, n),
    trimServerLogs: () => void (mock.authLog.length = 0),
    close: () => server.close(),
  };
}

/** The generic Socket.IO client against the mock's socket.io server (the one Sockr runs on), main namespace. */
async function socketio(transport: 'websocket' | 'polling' = 'websocket'): Promise<Rig> {
  const mock = sockrModule();
  const server = await listening(mock);
  return {
    name: transport === 'websocket' ? 'Socket.IO' : 'Socket.IO (polling)',
    server,
    client(_id, browser = noHooks) {
      const client = new SocketIOClient({
        url: server.url,
        transports: [transport],
        polling: socketioPolling, // the long-polling module (the 'Socket.IO (polling)' rig uses it)
        autoConnect: false,
        browser,
      });
      return rigClient(client, {
        onReconnecting: (listener) => void client.onLifecycle('reconnecting', listener),
        onState: (listener) => void client.onLifecycle('state', listener),
        onStream: (listener) => void client.on(STREAM, listener),
        listenerCounts: () => socketCounts('main', client.socket('/'), countsOf('connection', client.connection, {})),
      });
    },
    serverSessions: () => mock.io?.sockets.sockets.size ?? 0,
    push: (n) => void mock.io?.emit(STREAM, n),
    trimServerLogs: () => {
      mock.authLog.length = 0;
      mock.eventLog.length = 0;
    },
    close: () => server.close(),
  };
}

async function sockr(): Promise<Rig> {
  const mock = sockrModule();
  const server = await listening(mock);
  return {
    name: 'Sockr',
    server,
    client(id, browser = noHooks) {
      const client = new SockrClient({ url: server.url, token: `token:u${id}`, autoConnect: false, browser });
      return rigClient(client, {
        onReconnecting: (listener) => void client.io.onLifecycle('reconnecting', listener),
        onState: (listener) => void client.on('state', listener),
        onStream: (listener) => void client.on('message', (message) => listener(Number(message.content))),
        listenerCounts: () =>
          socketCounts(
            'main',
            client.io.socket('/'),
            countsOf('connection', client.io.connection, countsOf('sockr', client, {})),
          ),
      });
    },
    serverSessions: () => mock.online.size,
    push: (n) => {
      const message = { from: 'server', content: String(n), timestamp: Date.now(), messageId: `m${n}` };
      for (const sockets of mock.online.values()) for (const socket of sockets) socket.emit('receive_message', message);
    },
    trimServerLogs: () => {
      mock.authLog.length = 0;
      mock.eventLog.length = 0;
    },
    close: () => server.close(),
  };
}

/** Every adapter over a WebSocket, as apps mostly run them. */
export const ADAPTERS: readonly { name: AdapterName; start(): Promise<Rig> }[] = [
  { name: 'Foony', start: foony },
  { name: 'Ignis', start: ignis },
  { name: 'Socket.IO', start: () => socketio('websocket') },
  { name: 'Sockr', start: sockr },
];

/** The Socket.IO client over HTTP long-polling only (fetch, its keep-alive pool, the poll loop). */
export const SOCKETIO_POLLING = {
  name: 'Socket.IO (polling)',
  start: () => socketio('polling'),
} as const satisfies (typeof ADAPTERS)[number];
