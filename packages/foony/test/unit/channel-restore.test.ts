import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CursorStore, MemoryServer, type PolySocketError, type RequestId } from '@polysocket/core';
import { FoonyClient, foonySeedWire, type ClientFrame } from '@polysocket/foony';
import { FoonyChannel, type ChannelHost } from '../../src/channel';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function flush(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

describe('Foony channel restore', () => {
  it('unsubscribe() while the restore’s sub is unanswered (before connected) sends unsub behind it', async () => {
    const written: ClientFrame[] = [];
    let nextId = 1;
    const request = (<R>(build: (id: RequestId) => ClientFrame): Promise<R> => {
      written.push(build(nextId++));
      return new Promise<R>(() => undefined); // unanswered for now
    }) as ChannelHost['connection']['request'];
    const host: ChannelHost = {
      connection: {
        request,
        isConnected: false, // the restore runs before the session is connected
        cannotSend: () => undefined,
        report: () => undefined,
        reportListenerError: () => undefined,
      },
      session: 1,
      cursors: new CursorStore(),
      wire: foonySeedWire,
      options: {},
    };
    const channel = new FoonyChannel('a', host);
    channel.attach(); // wanted; not connected, so nothing is sent yet
    expect(written).toEqual([]);
    channel.restoreChannel(request);
    void channel.unsubscribe();
    expect(written.map((f) => f.t)).toEqual(['sub', 'unsub']);
    expect(channel.state).toBe('detached');
  });

  it('close() while a channel waits to retry its subscribe leaves no timer', async () => {
    const server = new MemoryServer();
    server.onConnection = (peer) => {
      peer.onMessage = (data) => {
        const frame = JSON.parse(String(data)) as { t: string; id?: number };
        if (frame.t === 'auth')
          peer.send(JSON.stringify({ t: 'connected', connectionId: 'c1', keepAliveMs: 0, clientId: 'me' }));
        if (frame.t === 'sub') peer.send(JSON.stringify({ t: 'err', id: frame.id, code: 42900, message: 'slow down' }));
      };
    };
    const client = new FoonyClient({
      url: 'ws://memory/foony',
      token: 'secret-token-123',
      transport: server.transport,
      browser: { network: null, document: null },
      wire: foonySeedWire,
    });
    const errors: PolySocketError[] = [];
    const busy = client.channel('busy');
    busy.on('error', (e) => errors.push(e));
    await client.connect();
    busy.subscribe(() => undefined);
    await flush();
    expect(busy.state).toBe('retrying');
    expect(errors.map((e) => e.code)).toEqual(['RATE_LIMITED']);
    expect(client.state).toBe('connected');
    await vi.advanceTimersByTimeAsync(60_000); // retries, each backing off (1 s doubling to 30 s, jittered)
    expect(errors.length).toBeGreaterThan(2);
    expect(errors.length).toBeLessThan(20);
    client.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
