import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryServer, type MemoryPeer } from '@polysocket/core';
import { IgnisClient } from '@polysocket/ignis';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const TOKEN = 'tok-3numerable-secret';
const PASSWORD = 'pw-3numerable-secret';
const found = (text: string): boolean => text.includes(TOKEN) || text.includes(PASSWORD);

/** Every object reachable from `root` through `Object.values` (what spreading, `Object.entries` and most dumpers see). */
function reachable(root: object): object[] {
  const seen = new Set<object>();
  const walk = (value: unknown): void => {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) return;
    seen.add(value);
    for (const item of Object.values(value)) walk(item);
  };
  walk(root);
  return [...seen];
}

async function connectedClient(server: MemoryServer): Promise<IgnisClient> {
  server.onConnection = (peer: MemoryPeer) => {
    peer.onMessage = (raw) => {
      if ((JSON.parse(String(raw)) as { event: string }).event === 'authenticate')
        peer.send(JSON.stringify({ event: 'connected', data: { id: 'c1', time: new Date().toISOString() } }));
    };
  };
  const client = new IgnisClient({
    url: 'ws://memory/ignis',
    transport: server.transport,
    browser: { network: null, document: null },
    auth: { token: TOKEN, nested: { pw: PASSWORD } },
  });
  await client.connect();
  return client;
}

describe('Ignis: the auth payload is out of reach of enumeration and inspection', () => {
  it('util.inspect, JSON.stringify and an Object.values walk of the client find no credential', async () => {
    const server = new MemoryServer();
    const client = await connectedClient(server);
    // The in-memory server (reachable through the transport) keeps what it received: the server's side, not the client's.
    server.last!.received.length = 0;
    expect(found(inspect(client, { depth: 10, showHidden: false }))).toBe(false);
    expect(found(inspect({ ...client }, { depth: 10, showHidden: false }))).toBe(false);
    const objects = reachable(client);
    expect(objects.length).toBeGreaterThan(5); // the walk got into the connection
    for (const object of objects) {
      for (const value of Object.values(object)) expect(typeof value === 'string' && found(value)).toBe(false);
      let json = '';
      try {
        json = JSON.stringify(object) ?? '';
      } catch {
        // cyclic: its parts are stringified on their own
      }
      expect(found(json)).toBe(false);
      const shown = inspect(object, { depth: 10, showHidden: false });
      expect(found(shown)).toBe(false);
    }
    // The private wire, reached by name from JavaScript: a summary, even with hidden properties.
    const wire = (client as unknown as { wire: object }).wire;
    expect(Object.keys(client)).toEqual(['connection']);
    expect(found(inspect(wire, { depth: 10, showHidden: true }))).toBe(false);
    client.close();
  });
});
