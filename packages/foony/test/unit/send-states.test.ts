import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryServer } from '@polysocket/core';
import { FoonyClient, foonyPresence, foonySeedWire } from '@polysocket/foony';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function answeringServer(): MemoryServer {
  const server = new MemoryServer();
  server.onConnection = (peer) => {
    peer.onMessage = (data) => {
      const frame = JSON.parse(String(data)) as { t: string; id?: number };
      if (frame.t === 'auth')
        peer.send(JSON.stringify({ t: 'connected', connectionId: 'c1', keepAliveMs: 0, clientId: 'me' }));
      else if (frame.t === 'hist')
        peer.send(JSON.stringify({ t: 'histRes', id: frame.id, channel: 'a', messages: [] }));
      else if (frame.id !== undefined) peer.send(JSON.stringify({ t: 'ack', id: frame.id }));
    };
  };
  return server;
}

function client(server: MemoryServer): FoonyClient {
  return new FoonyClient({
    url: 'ws://memory/foony',
    token: 'secret-token-123',
    transport: server.transport,
    browser: { network: null, document: null },
    presence: foonyPresence,
    wire: foonySeedWire,
  });
}

/** Every Foony send path, each on a fresh channel so one path's side effects cannot help another. */
const PATHS: Record<string, (c: FoonyClient, channel: string) => Promise<unknown>> = {
  publish: (c, channel) => c.channel(channel).publish('n', 1),
  'presence.enter': (c, channel) => c.channel(channel).presence.enter({ here: true }),
  'presence.update': (c, channel) => c.channel(channel).presence.update({ here: false }),
  'presence.leave': (c, channel) => c.channel(channel).presence.leave(),
  history: (c, channel) => c.channel(channel).history({ limit: 5 }),
};

/** Settles within the current microtasks, without any timer running: "at once". */
async function settledAtOnce(promise: Promise<unknown>): Promise<unknown> {
  let outcome: { error: unknown } | { value: unknown } | undefined;
  promise.then(
    (value) => (outcome = { value }),
    (error: unknown) => (outcome = { error }),
  );
  for (let i = 0; i < 20; i++) await Promise.resolve();
  expect(outcome, 'settled without waiting for a timer').toBeDefined();
  expect(outcome).toHaveProperty('error');
  return (outcome as { error: unknown }).error;
}

describe('Foony sends on a client that is not open fail at once with a typed error', () => {
  for (const [path, send] of Object.entries(PATHS)) {
    it(`${path} before connect(): INVALID "call connect() first"`, async () => {
      const c = client(answeringServer());
      const error = await settledAtOnce(send(c, `idle-${path}`));
      expect(error).toMatchObject({ code: 'INVALID', message: expect.stringContaining('call connect() first') });
      expect(vi.getTimerCount()).toBe(0);
      c.close();
    });

    it(`${path} after close(): CLOSED`, async () => {
      const c = client(answeringServer());
      await c.connect();
      c.close();
      const error = await settledAtOnce(send(c, `closed-${path}`));
      expect(error).toMatchObject({ code: 'CLOSED' });
      expect(vi.getTimerCount()).toBe(0);
    });

    it(`${path} once failed: CLOSED`, async () => {
      const server = new MemoryServer();
      server.onConnection = (peer) => {
        peer.onMessage = () => peer.send(JSON.stringify({ t: 'err', code: 40101, message: 'invalid credentials' }));
      };
      const c = client(server);
      await expect(c.connect()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
      const error = await settledAtOnce(send(c, `failed-${path}`));
      expect(error).toMatchObject({ code: 'CLOSED' });
      c.close();
    });
  }

  it('a presence enter refused before connect() is not re-entered by a later connect()', async () => {
    const server = answeringServer();
    const frames: string[] = [];
    const onConnection = server.onConnection!;
    server.onConnection = (peer) => {
      onConnection(peer);
      const handler = peer.onMessage!;
      peer.onMessage = (data) => {
        frames.push(String(data));
        handler(data);
      };
    };
    const c = client(server);
    await expect(c.channel('a').presence.enter({ x: 1 })).rejects.toMatchObject({ code: 'INVALID' });
    expect(c.channel('a').presence.isPresent).toBe(false);
    await c.connect();
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(frames.some((f) => f.includes('"t":"pres"'))).toBe(false);
    c.close();
  });
});
