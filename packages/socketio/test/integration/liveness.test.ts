import { afterEach, expect, it } from 'vitest';
import type { DisconnectEvent } from '@polysocket/core';
import { MockServer, sockrModule } from '@polysocket/mock-server';
import { SocketIOClient, type SocketIOClientOptions, type TransportName, socketioPolling } from '@polysocket/socketio';
import { sleep, startIo, startProxy, waitFor, type IoServer } from '../helpers/servers';

// Issue 19: a liveness check (the page visible again, back online, resumed) must learn at once whether the
// link still works. Engine.IO v4 servers ping and the client only answers (a client ping makes engine.io
// close the link), so the probe is a CONNECT to a namespace the server does not have: it answers CONNECT_ERROR.

/** A document whose visibilitychange the core listens to (`browser.document`). */
class FakeDocument extends EventTarget {
  readonly visibilityState = 'visible';
  wake(): void {
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

let io: IoServer | undefined;
let mock: MockServer | undefined;
const clients: SocketIOClient[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await io?.close();
  io = undefined;
  await mock?.close();
  mock = undefined;
});

async function connected(
  url: string,
  transports: TransportName[],
  options: Partial<SocketIOClientOptions> = {},
): Promise<{
  client: SocketIOClient;
  document: FakeDocument;
  rtts: number[];
  drops: DisconnectEvent[];
  reasons: string[];
}> {
  const document = new FakeDocument();
  const client = new SocketIOClient({
    url,
    transports,
    polling: socketioPolling,
    autoConnect: false,
    reconnect: false,
    browser: { network: null, document },
    ...options,
  });
  clients.push(client);
  const rtts: number[] = [];
  const drops: DisconnectEvent[] = [];
  const reasons: string[] = [];
  client.onLifecycle('rtt', (ms) => rtts.push(ms));
  client.onLifecycle('disconnected', (event) => drops.push(event));
  client.on('disconnect', (reason: string) => reasons.push(reason));
  await client.connect();
  return { client, document, rtts, drops, reasons };
}

for (const transports of [['websocket'], ['polling']] as TransportName[][]) {
  it(`a probe on a live link is answered: rtt measured, link kept (${transports[0]}, real socket.io server)`, async () => {
    io = await startIo({ pingInterval: 25_000, pingTimeout: 20_000 });
    const { client, document, rtts, drops } = await connected(io.url, transports);
    document.wake();
    await waitFor(() => rtts.length === 1, 'the probe answer');
    expect(rtts[0]).toBeLessThan(3000);
    await sleep(1100); // wake-ups probe at most once a second
    document.wake();
    await waitFor(() => rtts.length === 2, 'a second probe answer');
    await sleep(100);
    expect(client.state).toBe('connected');
    expect(drops).toEqual([]);
    expect(io.io.engine.clientsCount).toBe(1);
  });

  it(`a probe on a silent link declares it dead within the probe timeout, not the 45 s ping deadline (${transports[0]})`, async () => {
    io = await startIo({ pingInterval: 25_000, pingTimeout: 20_000 });
    const proxy = await startProxy(io.port);
    cleanups.push(() => proxy.close());
    const { document, drops, reasons } = await connected(`http://127.0.0.1:${proxy.port}`, transports);
    proxy.freeze();
    const woke = Date.now();
    document.wake();
    await waitFor(() => drops.length === 1, 'the dead link', 6000);
    expect(Date.now() - woke).toBeLessThan(3000 + 1500);
    expect(drops[0].reason).toMatch(/dead link/);
    expect(reasons).toEqual(['ping timeout']);
  });
}

it("the mock server's silence fault: the probe finds the link dead", async () => {
  mock = new MockServer({ modules: [sockrModule({ pingInterval: 60_000, pingTimeout: 60_000 })] });
  await mock.listen();
  const { document, drops } = await connected(mock.url, ['websocket']);
  mock.faults.silence('sockr');
  const woke = Date.now();
  document.wake();
  await waitFor(() => drops.length === 1, 'the dead link', 6000);
  expect(Date.now() - woke).toBeLessThan(3000 + 1500);
});

it("a server with dynamic namespaces that accepts the probe's namespace: the answer counts, and the client leaves it", async () => {
  let probeSockets = 0;
  io = await startIo({ pingInterval: 25_000, pingTimeout: 20_000 }, (server) =>
    server.of(/.*/).on('connection', () => probeSockets++),
  );
  const { client, document, drops } = await connected(io.url, ['websocket']);
  document.wake();
  await waitFor(() => probeSockets === 1, 'the probe to be accepted');
  const probeNamespace = [...io.io._nsps.values()].find((nsp) => nsp.name !== '/');
  await waitFor(() => probeNamespace?.sockets.size === 0, 'the client to leave the probe namespace');
  await sleep(3200); // past the probe timeout: the link was proven by the answer
  expect(client.state).toBe('connected');
  expect(drops).toEqual([]);
});
