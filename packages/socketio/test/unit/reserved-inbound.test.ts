import { afterEach, expect, it } from 'vitest';
import type { PolySocketError } from '@polysocket/core';
import { SocketIOClient } from '@polysocket/socketio';
import { flush, quiet, socketIoMemoryServer } from '../../../../test/reliability/support/memory-clients';

// A server EVENT named like one of socket.io-client's own events reached the app's listeners of that name
// (`on('disconnect')` fired while connected, `on('connect_error')` got a string). socket.io-parser refuses such a
// packet; so does ours: a PROTOCOL error, and the link stays up, as for any other malformed packet.

const RESERVED = ['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'];
let client: SocketIOClient | undefined;
afterEach(() => client?.close());

it('a server event with a reserved name is a PROTOCOL error, reaches no listener, and the link stays up', async () => {
  const server = socketIoMemoryServer(() => undefined);
  client = new SocketIOClient({ url: 'http://memory', autoConnect: false, ...quiet });
  // The WebSocket transport is swapped for the in-memory one.
  (client as unknown as { makeTransport: () => unknown }).makeTransport = () => server.transport();
  const heard: string[] = [];
  const errors: PolySocketError[] = [];
  for (const name of [...RESERVED, 'ok'])
    client.on(name, (...args: unknown[]) => heard.push(`${name} ${String(args)}`));
  client.onAny((name: string) => heard.push(`any ${name}`));
  client.onLifecycle('error', (error) => errors.push(error));
  await client.connect();
  heard.length = 0;
  for (const name of RESERVED) server.last!.send(`42${JSON.stringify([name, 'from-server'])}`);
  server.last!.send(`451-${JSON.stringify(['disconnect', { _placeholder: true, num: 0 }])}`);
  server.last!.send(new Uint8Array([1]));
  server.last!.send('42["ok","fine"]');
  await flush();
  expect(heard).toEqual(['ok fine', 'any ok']);
  // The binary one is refused at its header, and its attachment then belongs to no packet: two errors, as for any
  // malformed binary packet.
  expect(errors.map((error) => error.code)).toEqual(Array(RESERVED.length + 2).fill('PROTOCOL'));
  expect(client.connected).toBe(true);
  expect(client.state).toBe('connected');
});
