import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryServer, type MemoryPeer, type PolySocketError } from '@polysocket/core';
import { IgnisClient } from '@polysocket/ignis';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A client whose server answers `authenticate` with `connected` carrying `data`. */
function clientGetting(data: unknown): IgnisClient {
  const server = new MemoryServer();
  server.onConnection = (peer: MemoryPeer) => {
    peer.onMessage = (raw) => {
      if ((JSON.parse(String(raw)) as { event: string }).event === 'authenticate')
        peer.send(JSON.stringify({ event: 'connected', data }));
    };
  };
  return new IgnisClient({
    url: 'ws://memory/ignis',
    transport: server.transport,
    browser: { network: null, document: null },
    maxAttempts: 0,
  });
}

describe("Ignis: the `connected` frame's fields", () => {
  it.each([[{ id: '' }], [{ id: 5 }], [{}], [null]])(
    '%j is a PROTOCOL handshake failure (no client id)',
    async (data) => {
      const client = clientGetting(data);
      const failure = await client.connect().catch((error: PolySocketError) => error);
      expect(failure).toMatchObject({
        code: 'DISCONNECTED',
        message: 'gave up after 0 reconnect attempts: connected without a client id',
        cause: { code: 'PROTOCOL' },
      });
      expect(client.session).toBeUndefined();
      client.close();
    },
  );

  it("a time Date cannot read is not passed on: serverTime is the local clock's, clockSkewMs 0", async () => {
    vi.setSystemTime(Date.parse('2026-01-02T03:04:05.000Z'));
    for (const time of ['garbage', 1e20, { at: 1 }]) {
      const client = clientGetting({ id: 'c1', time });
      await client.connect();
      expect(client.session).toEqual({
        clientId: 'c1',
        serverTime: '2026-01-02T03:04:05.000Z',
        clockSkewMs: 0,
        encrypted: false,
      });
      client.close();
    }
  });

  it("the real server's ISO time is kept, and the skew measured from it", async () => {
    vi.setSystemTime(Date.parse('2026-01-02T03:04:05.000Z'));
    const client = clientGetting({ id: '0b5e4c1a-uuid', userId: 'u1', time: '2026-01-02T03:04:07.500Z' });
    await client.connect();
    expect(client.session).toEqual({
      clientId: '0b5e4c1a-uuid',
      userId: 'u1',
      serverTime: '2026-01-02T03:04:07.500Z',
      clockSkewMs: 2500,
      encrypted: false,
    });
    client.close();
  });
});
