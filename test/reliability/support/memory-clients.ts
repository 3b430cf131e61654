import { expect } from 'vitest';
import { MemoryServer, type MemoryPeer, type PolySocketError } from '@polysocket/core';
import { FoonyClient, foonySeedWire } from '@polysocket/foony';
import { IgnisClient } from '@polysocket/ignis';
import { SocketIOClient } from '@polysocket/socketio';
import { SockrClient } from '@polysocket/sockr';

/** Connected clients of every adapter over the in-memory transport, with a minimal peer behind each. */

export const quiet = { browser: { network: null, document: null } } as const;

export interface MemoryClientSetup {
  server: MemoryServer;
  /** The object whose `error` events and `state` the checks watch (the connection, for Socket.IO and Sockr). */
  client: { close(): void; state: string; on(event: 'error', listener: (error: PolySocketError) => void): unknown };
  peer: () => MemoryPeer;
  /** Resolves when the client still answers a request; fails the test otherwise. */
  alive: () => Promise<void>;
  close: () => void;
}

/** Options every adapter takes (the core's tuning) that a test may set. */
export interface ExtraOptions {
  maxFrameSize?: number;
}

export const flush = async (): Promise<void> => {
  for (let i = 0; i < 30; i++) await Promise.resolve();
};

/** An in-memory Engine.IO + Socket.IO peer: open packet, CONNECT reply, then `onText` for every later text frame. */
export function socketIoMemoryServer(onText: (peer: MemoryPeer, text: string) => void): MemoryServer {
  const server = new MemoryServer();
  server.onConnection = (peer) => {
    peer.send('0{"sid":"e1","upgrades":[],"pingInterval":300000,"pingTimeout":300000,"maxPayload":1000000}');
    peer.onMessage = (data) => {
      const text = String(data);
      if (text.startsWith('40')) peer.send('40{"sid":"s1"}');
      else onText(peer, text);
    };
  };
  return server;
}

export async function foonySetup(extra: ExtraOptions = {}): Promise<MemoryClientSetup> {
  const server = new MemoryServer();
  server.onConnection = (peer) => {
    peer.onMessage = (data) => {
      const frame = JSON.parse(String(data)) as { t: string; id?: number };
      if (frame.t === 'auth')
        peer.send(JSON.stringify({ t: 'connected', connectionId: 'c1', keepAliveMs: 0, clientId: 'me' }));
      else if (frame.id !== undefined) peer.send(JSON.stringify({ t: 'ack', id: frame.id }));
    };
  };
  const client = new FoonyClient({
    url: 'ws://memory',
    token: 'valid-token',
    transport: server.transport,
    // This edge speaks the seed's JSON frames (the hostile sequences are JSON; the binary records are fuzzed).
    wire: foonySeedWire,
    ...quiet,
    ...extra,
  });
  client.channel('c').subscribe(() => undefined);
  await client.connect();
  await flush();
  return {
    server,
    client,
    peer: () => server.last!,
    alive: () => client.channel('c').publish('n', 1),
    close: () => client.close(),
  };
}

export async function ignisSetup(extra: ExtraOptions = {}): Promise<MemoryClientSetup> {
  const server = new MemoryServer();
  server.onConnection = (peer) => {
    peer.onMessage = (data) => {
      const frame = JSON.parse(String(data)) as { event: string; id?: string; data?: unknown };
      if (frame.event === 'authenticate')
        peer.send(JSON.stringify({ event: 'connected', data: { id: 'c1', time: new Date().toISOString() } }));
      else if (frame.event === 'echo') peer.send(JSON.stringify({ event: 'echo', data: frame.data, id: frame.id }));
    };
  };
  const client = new IgnisClient({
    url: 'ws://memory',
    auth: { token: 't' },
    heartbeatIntervalMs: 0,
    transport: server.transport,
    ...quiet,
    ...extra,
  });
  client.on('tick', () => undefined);
  await client.connect();
  return {
    server,
    client,
    peer: () => server.last!,
    alive: async () => void (await client.request('echo', 1)),
    close: () => client.close(),
  };
}

export async function socketIoSetup(extra: ExtraOptions = {}): Promise<MemoryClientSetup> {
  const server = socketIoMemoryServer((peer, text) => {
    const ack = /^42(\d+)\["echo"/.exec(text);
    if (ack) peer.send(`43${ack[1]}["ok"]`);
  });
  const client = new SocketIOClient({
    url: 'http://memory',
    transports: ['websocket'],
    autoConnect: false,
    ...quiet,
    ...extra,
  });
  // The WebSocket transport is swapped for the in-memory one.
  (client as unknown as { makeTransport: () => unknown }).makeTransport = () => server.transport();
  client.on('tick', () => undefined);
  await client.connect();
  const alive = async (): Promise<void> => {
    if (client.connected) expect(await client.emitWithAck('echo')).toBe('ok');
  };
  return {
    server,
    client: client.connection as unknown as MemoryClientSetup['client'],
    peer: () => server.last!,
    alive,
    close: () => client.close(),
  };
}

export async function sockrSetup(extra: ExtraOptions = {}): Promise<MemoryClientSetup> {
  const server = socketIoMemoryServer((peer, text) => {
    if (text.startsWith('42["authenticate"')) peer.send('42["authenticated",{"userId":"me","socketId":"s1"}]');
    if (text.startsWith('42["get_online_status"')) peer.send('42["online_status",{"statuses":{"x":true}}]');
  });
  const client = new SockrClient({
    url: 'http://memory',
    token: 't',
    autoConnect: false,
    catchUp: false,
    ...quiet,
    ...extra,
  });
  (client.io as unknown as { makeTransport: () => unknown }).makeTransport = () => server.transport();
  client.on('message', () => undefined);
  client.on('group_message', () => undefined);
  await client.connect();
  const errors: PolySocketError[] = [];
  client.io.connection.on('error', (e) => errors.push(e));
  return {
    server,
    client: client.io.connection as unknown as MemoryClientSetup['client'],
    peer: () => server.last!,
    alive: async () => {
      expect(await client.getOnlineStatus(['x'])).toEqual({ x: true });
      expect(errors.filter((e) => e.code === 'LISTENER')).toEqual([]);
    },
    close: () => client.close(),
  };
}
