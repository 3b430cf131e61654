import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MockServer, sockrModule } from '@polysocket/mock-server';

// The mock's generic Socket.IO namespace, checked with the reference client (socket.io-client), not ours.
let server: MockServer;
const sockets: Socket[] = [];

beforeAll(async () => {
  server = new MockServer({ modules: [sockrModule()] });
  await server.listen();
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});
afterAll(async () => {
  await server.close();
});

function connect(namespace: string, auth?: Record<string, unknown>): Socket {
  const socket = io(`${server.url}${namespace}`, {
    transports: ['websocket'],
    reconnection: false,
    ...(auth ? { auth } : {}),
  });
  sockets.push(socket);
  return socket;
}

describe('the /demo Socket.IO namespace', () => {
  it('welcomes, acks add and echo, answers say', async () => {
    const socket = connect('/demo');
    const welcome = await new Promise<string>((resolve) => socket.once('welcome', resolve));
    expect(welcome).toBe(`hello ${socket.id}`);
    expect(await socket.emitWithAck('add', 2, 3)).toBe(5);
    expect(await socket.emitWithAck('echo', 'a', { b: [1] })).toBe('a'); // socket.io-client resolves with the first argument
    const said = new Promise((resolve) => socket.once('said', resolve));
    socket.emit('say', 'hello');
    expect(await said).toBe('HELLO');
  });

  it('hostile input is ignored, not thrown: no ack callback, wrong types', async () => {
    const socket = connect('/demo');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.emit('add', 1, 2); // no callback
    socket.emit('echo'); // nothing at all
    socket.emit('say', { not: 'text' });
    await expect(socket.timeout(200).emitWithAck('add', '1', 2)).rejects.toThrow(); // not numbers: no answer
    expect(await socket.emitWithAck('add', 20, 22)).toBe(42); // still serving
  });

  it("refuses auth.token 'bad-token' with a connect_error, and takes anything else", async () => {
    const refused = connect('/demo', { token: 'bad-token' });
    const error = await new Promise<Error>((resolve) => refused.once('connect_error', resolve));
    expect(error.message).toBe('not authorized');
    const taken = connect('/demo', { token: 'anything' });
    await new Promise<void>((resolve) => taken.once('connect', () => resolve()));
    expect(taken.connected).toBe(true);
  });

  it('is left out with demoNamespace: false (the namespace is then unknown)', async () => {
    const bare = new MockServer({ modules: [sockrModule({ demoNamespace: false })] });
    await bare.listen();
    const socket = io(`${bare.url}/demo`, { transports: ['websocket'], reconnection: false });
    try {
      const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
      expect(error.message).toBe('Invalid namespace');
    } finally {
      socket.disconnect();
      await bare.close();
    }
  });
});
