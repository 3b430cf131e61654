import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryServer, type MemoryPeer, type PolySocketError } from '@polysocket/core';
import {
  FoonyClient,
  foonyPresence,
  foonySeedWire,
  pongDeadline,
  type FoonyClientOptions,
  type FoonyMessage,
} from '@polysocket/foony';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function flush(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

/** A hand-driven Foony edge: the test decides every frame. */
function edge(keepAliveMs = 0) {
  const server = new MemoryServer();
  const received: Record<string, unknown>[][] = [];
  server.onConnection = (peer) => {
    const log: Record<string, unknown>[] = [];
    received.push(log);
    peer.onMessage = (data) => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      log.push(frame);
      if (frame.t === 'auth')
        peer.send(JSON.stringify({ t: 'connected', connectionId: `c${received.length}`, keepAliveMs, clientId: 'me' }));
      if (frame.t === 'sub' || frame.t === 'pres' || frame.t === 'pub' || frame.t === 'unsub')
        peer.send(JSON.stringify({ t: 'ack', id: frame.id }));
    };
  };
  const send = (peer: MemoryPeer, frame: unknown): void =>
    peer.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  return { server, received, send };
}

function client(server: MemoryServer, extra: Partial<ConstructorParameters<typeof FoonyClient>[0]> = {}): FoonyClient {
  return new FoonyClient({
    url: 'ws://memory/foony',
    token: 'secret-token-123',
    transport: server.transport,
    random: () => 0.5,
    browser: { network: null, document: null },
    presence: foonyPresence,
    // This edge speaks the seed's JSON frames.
    wire: foonySeedWire,
    ...extra,
  } as FoonyClientOptions);
}

describe('FoonyClient with a hand-driven edge', () => {
  it('survives a hostile frame sequence: one error per bad frame, state intact, good frames still delivered', async () => {
    const { server, send } = edge();
    const c = client(server);
    const errors: PolySocketError[] = [];
    c.on('error', (e) => errors.push(e));
    await c.connect();
    const got: FoonyMessage[] = [];
    c.channel('a').subscribe((m) => got.push(m));
    await flush();
    const peer = server.last!;
    const hostile = [
      '{',
      '[]',
      { t: 'msg' },
      { t: 'msg', channel: 'nobody', name: 'n', data: 1, timestamp: 1, messageId: 'x1' }, // unknown channel: ignored
      { t: 'presEvt', channel: 'nobody', action: 'enter', clientId: 'u', connectionId: 'c', timestamp: 1 },
      { t: 'connected', connectionId: 'again', keepAliveMs: 5, clientId: 'evil' }, // mid-session: ignored
      { t: 'ack', id: 999_999 }, // no such request: ignored
      { t: 'err', code: 50000, message: 'server hiccup' }, // unscoped: an error event
      { t: 'msg', channel: 'a', name: '__proto__', data: { constructor: 1 }, timestamp: 1, messageId: 'ok1' },
    ];
    for (const frame of hostile) send(peer, frame);
    await flush();
    expect(errors.map((e) => e.code)).toEqual(['PROTOCOL', 'PROTOCOL', 'PROTOCOL', 'SERVER']);
    expect(got.map((m) => m.messageId)).toEqual(['ok1']);
    expect(c.state).toBe('connected');
    expect(c.session?.connectionId).toBe('c1');
    c.close();
  });

  it('a listener that throws does not stop delivery of the next frames', async () => {
    const { server, send } = edge();
    const c = client(server);
    const errors: PolySocketError[] = [];
    c.on('error', (e) => errors.push(e));
    await c.connect();
    const got: string[] = [];
    c.channel('a').subscribe(() => {
      throw new Error('app bug');
    });
    c.channel('a').subscribe((m) => got.push(m.messageId));
    await flush();
    for (const id of ['m1', 'm2'])
      send(server.last!, { t: 'msg', channel: 'a', name: 'n', data: 1, timestamp: 1, messageId: id });
    await flush();
    expect(got).toEqual(['m1', 'm2']);
    expect(errors.map((e) => e.code)).toEqual(['LISTENER', 'LISTENER']);
    c.close();
  });

  it('re-subscribes with lastMessageId and re-enters presence after a drop, sending each once', async () => {
    const { server, received, send } = edge();
    const c = client(server);
    await c.connect();
    const channel = c.channel('a');
    channel.subscribe(() => undefined);
    await flush();
    await channel.presence.enter({ here: true });
    send(server.last!, { t: 'msg', channel: 'a', name: 'n', data: 1, timestamp: 1, messageId: 'm41' });
    await flush();
    server.last!.drop();
    await flush();
    await vi.advanceTimersByTimeAsync(1000);
    await flush();
    expect(c.state).toBe('connected');
    expect(received[1].map((f) => f.t)).toEqual(['auth', 'sub', 'pres']);
    expect(received[1][1]).toMatchObject({ t: 'sub', channel: 'a', lastMessageId: 'm41' });
    expect(received[1][2]).toMatchObject({ t: 'pres', action: 'enter', data: { here: true } });
    c.close();
  });

  it('pings every keepAliveMs and treats an unanswered ping as a dead link', async () => {
    const { server } = edge(1000);
    const c = client(server);
    await c.connect();
    server.last!.silent = true;
    await vi.advanceTimersByTimeAsync(1000 + pongDeadline(1000) - 1);
    expect(c.state).toBe('connected');
    await vi.advanceTimersByTimeAsync(1);
    expect(c.state).toBe('reconnecting');
    c.close();
  });

  it('clamps the pong deadline to 250 ms – 10 s', () => {
    expect(pongDeadline(50)).toBe(250);
    expect(pongDeadline(3000)).toBe(3000);
    expect(pongDeadline(60_000)).toBe(10_000);
  });

  it('never logs the token', async () => {
    const { server, send } = edge();
    const lines: string[] = [];
    const record = (...args: unknown[]): void => void lines.push(args.map(String).join(' '));
    const c = client(server, { logger: { debug: record, info: record, warn: record, error: record } });
    const events: string[] = [];
    c.on('error', (error) => events.push(error.message));
    c.on('disconnected', (event) => events.push(event.reason));
    await c.connect();
    send(server.last!, { t: 'err', code: 50000, message: 'bad token secret-token-123 seen' });
    server.last!.close(4001, 'secret-token-123');
    await flush();
    c.close();
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain('secret-token-123');
    // A server that echoes the token back: error events and close reasons are scrubbed too.
    expect(events).toContain('bad token [redacted] seen');
    expect(events).toContain('[redacted]');
  });

  it('requires exactly one credential', () => {
    const server = new MemoryServer();
    // The types refuse both (a TypeScript app never gets here); JavaScript callers get INVALID.
    // @ts-expect-error no credential
    expect(() => new FoonyClient({ url: 'ws://x', transport: server.transport })).toThrow(/exactly one/);
    // @ts-expect-error token and key together
    expect(() => new FoonyClient({ url: 'ws://x', token: 'a', key: 'b', transport: server.transport })).toThrow(
      /exactly one/,
    );
    const both = () =>
      // @ts-expect-error token and authCallback together
      new FoonyClient({ url: 'ws://x', token: 'a', authCallback: () => 'b', transport: server.transport });
    expect(both).toThrow(/exactly one/);
  });
});
