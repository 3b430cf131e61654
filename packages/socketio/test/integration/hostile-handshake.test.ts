import { afterEach, expect, it } from 'vitest';
import { SocketIOClient, socketioPolling } from '@polysocket/socketio';
import { startEngineStub, type EngineStub } from '../helpers/engine-stub';
import { sleep } from '../helpers/servers';

// Issue 14: a server announcing pingInterval/pingTimeout of 0.5 ms made the silence deadline 1 ms:
// the link was declared dead before the server could say anything, again and again.

let stub: EngineStub | undefined;
let pinger: ReturnType<typeof setInterval> | undefined;
const clients: SocketIOClient[] = [];

afterEach(async () => {
  clearInterval(pinger);
  for (const client of clients.splice(0)) client.close();
  await stub?.close();
  stub = undefined;
});

it('a server announcing 0.5 ms intervals (and pinging every 50 ms) keeps a live link', async () => {
  stub = await startEngineStub({ open: { pingInterval: 0.5, pingTimeout: 0.5 } });
  pinger = setInterval(() => stub!.push('2'), 50);
  const client = new SocketIOClient({
    url: stub.url,
    transports: ['polling'],
    polling: socketioPolling,
    autoConnect: false,
    browser: { network: null, document: null },
  });
  clients.push(client);
  const drops: string[] = [];
  client.onLifecycle('disconnected', (event) => drops.push(event.reason));
  await client.connect();
  expect(client.engine).toMatchObject({ pingInterval: 100, pingTimeout: 100 });
  await sleep(600);
  expect(drops).toEqual([]);
  expect(client.state).toBe('connected');
  expect(stub.log.filter((entry) => entry === 'POST 3').length).toBeGreaterThan(3); // the pings were answered
});

it("an open packet whose intervals are not numbers gets engine.io's defaults instead of failing every attempt", async () => {
  stub = await startEngineStub({ open: { pingInterval: 'soon', pingTimeout: null } });
  const client = new SocketIOClient({
    url: stub.url,
    transports: ['polling'],
    polling: socketioPolling,
    autoConnect: false,
    connectTimeoutMs: 2000,
    browser: { network: null, document: null },
  });
  clients.push(client);
  await client.connect();
  expect(client.engine).toMatchObject({ pingInterval: 25_000, pingTimeout: 20_000 });
});
