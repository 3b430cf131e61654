import { describe, expect, it } from 'vitest';
import { MemoryServer, type ConnectionState } from '@polysocket/core';
import { IgnisClient } from '@polysocket/ignis';

async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

/** A connected client and a way to make the server send it an app event. */
async function connected(): Promise<{ client: IgnisClient; push: (event: string, data: unknown) => Promise<void> }> {
  const server = new MemoryServer();
  server.onConnection = (peer) => {
    peer.onMessage = (data) => {
      if ((JSON.parse(String(data)) as { event: string }).event === 'authenticate')
        peer.send(JSON.stringify({ event: 'connected', data: { id: 'c1' } }));
    };
  };
  const client = new IgnisClient({
    url: 'ws://memory/ws',
    auth: { token: 'x-token' },
    transport: server.transport,
    heartbeatIntervalMs: 0,
  });
  await client.connect();
  return {
    client,
    push: async (event, data) => {
      server.last!.send(JSON.stringify({ event, data }));
      await settle();
    },
  };
}

describe('Ignis app-event listeners: on/once/off from inside a listener', () => {
  it('once() from a listener of the same event waits for the next event', async () => {
    const { client, push } = await connected();
    const got: string[] = [];
    let armed = false;
    client.on('chat', (n) => {
      got.push(`on ${String(n)}`);
      if (!armed) client.once('chat', (m) => got.push(`once ${String(m)}`));
      armed = true;
    });
    await push('chat', 1);
    await push('chat', 2);
    await push('chat', 3);
    expect(got).toEqual(['on 1', 'on 2', 'once 2', 'on 3']);
    client.close();
  });

  it('a once() listener that re-arms itself gets each event once', async () => {
    const { client, push } = await connected();
    const got: unknown[] = [];
    const next = (n: unknown): void => {
      got.push(n);
      if (got.length < 10) client.once('chat', next); // bounded: re-arming used to loop on the same event
    };
    client.once('chat', next);
    await push('chat', 1);
    await push('chat', 2);
    expect(got).toEqual([1, 2]);
    client.close();
  });

  it('on()/onAny() from a listener take effect from the next event', async () => {
    const { client, push } = await connected();
    const got: string[] = [];
    let added = false;
    client.on('chat', () => {
      if (added) return;
      added = true;
      client.on('chat', (m) => got.push(`on ${String(m)}`));
      client.onAny((event, m) => got.push(`any ${event} ${String(m)}`));
    });
    await push('chat', 1);
    await push('chat', 2);
    expect(got).toEqual(['on 2', 'any chat 2']);
    client.close();
  });

  it('off() from a listener takes effect at once: a later listener of that event is not called', async () => {
    const { client, push } = await connected();
    const got: string[] = [];
    const later = (n: unknown): void => void got.push(`later ${String(n)}`);
    client.on('chat', () => client.off('chat', later));
    client.on('chat', later);
    const stopAny = client.onAny((event) => got.push(`any ${event}`));
    client.on('chat', () => stopAny());
    await push('chat', 1);
    expect(got).toEqual([]);
    client.close();
  });

  it('off(event, listener) removes a listener registered with once()', async () => {
    const { client, push } = await connected();
    const got: unknown[] = [];
    const listener = (n: unknown): void => void got.push(n);
    client.once('chat', listener);
    client.off('chat', listener);
    await push('chat', 1);
    expect(got).toEqual([]);
    client.close();
  });
});

describe('Ignis lifecycle listeners: once/off from inside a listener (the core emitter)', () => {
  it('once("state") from a state listener waits for the next state', async () => {
    const server = new MemoryServer();
    server.onConnection = (peer) => {
      peer.onMessage = () => peer.send(JSON.stringify({ event: 'connected', data: { id: 'c1' } }));
    };
    const client = new IgnisClient({
      url: 'ws://memory/ws',
      auth: { token: 'x-token' },
      transport: server.transport,
      heartbeatIntervalMs: 0,
    });
    const got: string[] = [];
    let armed = false;
    client.on('state', (state: ConnectionState) => {
      if (armed) return;
      armed = true;
      client.once('state', (next: ConnectionState) => got.push(`once ${next} (after ${state})`));
    });
    await client.connect();
    client.close();
    expect(got).toEqual(['once connected (after connecting)']);
  });

  it('off(event, listener) removes a lifecycle listener registered with once()', async () => {
    const client = new IgnisClient({
      url: 'ws://memory/ws',
      auth: { token: 'x-token' },
      transport: new MemoryServer().transport,
    });
    const got: string[] = [];
    const listener = (state: ConnectionState): void => void got.push(state);
    client.once('state', listener);
    client.off('state', listener);
    void client.connect().catch(() => undefined);
    client.close();
    await settle();
    expect(got).toEqual([]);
  });
});

// The listeners are kept by event name in a plain object: names that an ordinary object inherits must be events like
// any other, and an event nobody listens to must reach no inherited function.
describe('Ignis app events named like Object.prototype members', () => {
  it('__proto__, constructor and toString are delivered to their listeners, and only to them', async () => {
    const { client, push } = await connected();
    const got: string[] = [];
    for (const event of ['__proto__', 'constructor', 'toString'])
      client.on(event, (data) => void got.push(`${event} ${String(data)}`));
    const errors: string[] = [];
    client.on('error', (error) => void errors.push(error.code));
    await push('hasOwnProperty', 0); // no listener: nothing runs, nothing throws
    await push('__proto__', 1);
    await push('constructor', 2);
    await push('toString', 3);
    client.off('constructor');
    await push('constructor', 4);
    expect(got).toEqual(['__proto__ 1', 'constructor 2', 'toString 3']);
    expect(errors).toEqual([]);
    client.close();
  });
});
