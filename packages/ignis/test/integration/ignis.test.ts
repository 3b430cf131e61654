import { afterEach, describe, expect, it } from 'vitest';
import type { DisconnectEvent, PolySocketError } from '@polysocket/core';
import { ignisEncryption, type IgnisEnvelope } from '@polysocket/ignis';
import { ignisWorld, sleep, waitFor, type IgnisWorld } from '../helpers/setup';

let world: IgnisWorld;
afterEach(async () => {
  await world?.close();
});

function codes(client: { on(event: 'error', listener: (e: PolySocketError) => void): unknown }): string[] {
  const seen: string[] = [];
  client.on('error', (e) => seen.push(`${e.code}:${e.message}`));
  return seen;
}

describe('Ignis adapter: auth', () => {
  it('authenticates and exposes clientId, userId and the server time; the server put it in its default rooms', async () => {
    world = await ignisWorld();
    const client = world.client();
    await client.connect();
    const session = client.session!;
    expect(session.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(session.userId).toBe('user-1');
    expect(Date.parse(session.serverTime)).not.toBeNaN();
    expect(Math.abs(session.clockSkewMs)).toBeLessThan(1000);
    expect(world.ignis.client(session.clientId)?.rooms).toEqual([session.clientId, 'ws-default', 'ws-notification']);
    expect(world.ignis.authLog).toEqual([{ token: 'good-token' }]);
  });

  it('Authentication failed with static credentials: exactly one attempt, then failed', async () => {
    world = await ignisWorld();
    const client = world.client({ auth: { token: 'wrong' } });
    const error = (await client.connect().catch((e: unknown) => e)) as PolySocketError;
    expect(error).toMatchObject({ code: 'AUTH_FAILED', retryable: false });
    expect(client.state).toBe('failed');
    await sleep(300);
    expect(world.ignis.authLog).toHaveLength(1);
  });

  it('with an authProvider, a refusal asks it once for new credentials', async () => {
    world = await ignisWorld();
    const calls: boolean[] = [];
    const client = world.client({
      authProvider: ({ reauth }) => {
        calls.push(reauth);
        return { token: reauth ? 'good-token' : 'stale' };
      },
    });
    await client.connect();
    expect(calls).toEqual([false, true]);
    expect(client.session?.userId).toBe('user-1');
  });

  it('with an authProvider that keeps failing, it stops after the second refusal', async () => {
    world = await ignisWorld();
    const client = world.client({ authProvider: () => ({ token: 'always-wrong' }) });
    await expect(client.connect()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    await sleep(300);
    expect(world.ignis.authLog).toHaveLength(2);
  });

  it('Authentication error (a server fault, 4003) is retried with backoff', async () => {
    world = await ignisWorld();
    const client = world.client({ auth: { token: 'error-token' } });
    const errors = codes(client);
    void client.connect().catch(() => undefined);
    await waitFor(() => world.ignis.authLog.length >= 3, 'three attempts');
    expect(client.state).not.toBe('failed');
    expect(errors.some((e) => e === 'SERVER:Authentication error')).toBe(true);
  });

  it('an auth that never settles is closed by the server with 4001 and retried', async () => {
    world = await ignisWorld({ authTimeoutMs: 100 });
    const client = world.client({ auth: { token: 'slow-token' }, connectTimeoutMs: 5000 });
    const drops: number[] = [];
    client.on('reconnecting', () => drops.push(Date.now()));
    const started = Date.now();
    void client.connect().catch(() => undefined);
    await waitFor(() => drops.length >= 1, 'the first retry');
    expect(drops[0] - started).toBeGreaterThanOrEqual(290); // 3 × authTimeout
    expect(client.state).not.toBe('failed');
  });
});

describe('Ignis adapter: heartbeat and liveness', () => {
  it('keeps the connection past the server’s heartbeat timeout', async () => {
    world = await ignisWorld({ heartbeatIntervalMs: 50, heartbeatTimeoutMs: 300 });
    const client = world.client({ heartbeatIntervalMs: 100 });
    const drops: DisconnectEvent[] = [];
    client.on('disconnected', (e) => drops.push(e));
    await client.connect();
    await sleep(1200);
    expect(drops).toEqual([]);
    expect(client.state).toBe('connected');
  });

  it('without heartbeats the same server closes it with 4002 (and the client reconnects)', async () => {
    world = await ignisWorld({ heartbeatIntervalMs: 50, heartbeatTimeoutMs: 300 });
    const client = world.client({ heartbeatIntervalMs: 0 });
    const drop = new Promise<DisconnectEvent>((resolve) => client.once('disconnected', resolve));
    await client.connect();
    expect(await drop).toMatchObject({ code: 4002, reason: 'Heartbeat timeout', willReconnect: true });
    await waitFor(() => client.state === 'connected', 'reconnected');
  });

  it('detects a half-open server with WebSocket pings (Node), though the protocol never answers', async () => {
    world = await ignisWorld();
    const client = world.client({ heartbeatIntervalMs: 150, deadServerTimeoutMs: 150 });
    await client.connect();
    await sleep(200);
    const drop = new Promise<DisconnectEvent>((resolve) => client.once('disconnected', resolve));
    const silencedAt = Date.now();
    world.server.faults.silence('/ignis');
    expect((await drop).reason).toMatch(/no answer to a ping/);
    expect(Date.now() - silencedAt).toBeLessThanOrEqual(150 + 150 + 150);
  });
});

describe('Ignis adapter: rooms', () => {
  it('re-joins every room after an abrupt drop (checked on the server)', async () => {
    world = await ignisWorld();
    const client = world.client({ rooms: ['lobby'] });
    await client.connect();
    client.join(['game-1', 'game-2']);
    client.leave('game-2');
    const first = client.session!.clientId;
    await waitFor(() => world.ignis.client(first)?.rooms.includes('game-1') === true, 'joined');
    expect(world.ignis.client(first)!.rooms).toEqual([first, 'ws-default', 'ws-notification', 'lobby', 'game-1']);

    world.server.faults.drop('/ignis');
    await waitFor(() => client.state === 'connected' && client.session!.clientId !== first, 'reconnected');
    const second = client.session!.clientId;
    await waitFor(() => world.ignis.client(second)?.rooms.includes('game-1') === true, 're-joined');
    expect(world.ignis.client(second)!.rooms.sort()).toEqual(
      [second, 'ws-default', 'ws-notification', 'lobby', 'game-1'].sort(),
    );
    expect([...client.joinedRooms]).toEqual(['lobby', 'game-1']);

    const got: unknown[] = [];
    client.on('room-message', (data) => got.push(data));
    world.ignis.sendToRoom('game-1', 'room-message', { move: 'e4' });
    await waitFor(() => got.length === 1, 'room message');
  });

  it('validates names as the server does, and never leaves its own clientId room', async () => {
    world = await ignisWorld();
    const client = world.client();
    const rule = { code: 'INVALID', message: expect.stringContaining('1–256 characters, not starting with "ws:"') };
    for (const rooms of ['ws:system', '', 'x'.repeat(257), ['ok', 5 as unknown as string], [[]] as unknown as string])
      expect(() => client.join(rooms)).toThrow(expect.objectContaining(rule));
    expect(client.joinedRooms.size).toBe(0);
    expect(() => client.join('x'.repeat(256))).not.toThrow();
    await client.connect();
    expect(() => client.leave(client.session!.clientId)).toThrow(/own clientId room/);
  });
});

describe('Ignis adapter: events and requests', () => {
  it('matches 100 concurrent requests to their replies', async () => {
    world = await ignisWorld();
    const client = world.client();
    await client.connect();
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) => client.request<{ n: number }>('echo', { n: i })),
    );
    expect(replies.map((r) => r.data!.n)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(client.connection.pendingRequests).toBe(0);
  });

  it('matches replies that carry the id inside data through a configurable matcher', async () => {
    world = await ignisWorld();
    const client = world.client({ replyId: (frame) => (frame.data as { requestId?: string } | undefined)?.requestId });
    await client.connect();
    const reply = await client.request<{ payload: string }>('echo-id-in-data', 'hello');
    expect(reply.data!.payload).toBe('hello');
  });

  it('times out a request the server never answers, and aborts on a signal', async () => {
    world = await ignisWorld();
    const client = world.client();
    await client.connect();
    await expect(client.request('no-such-handler', 1, { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringMatching(
        /^no reply to 'no-such-handler' within 100 ms: the server app must answer with the request's id/,
      ),
    });
    const controller = new AbortController();
    const pending = client.request('no-such-handler', 1, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('queues sends made before connected and delivers them after', async () => {
    world = await ignisWorld();
    const client = world.client();
    const got: unknown[] = [];
    client.on('echo', (data) => got.push(data));
    await expect(client.emit('echo', 'before connect()')).rejects.toMatchObject({
      code: 'INVALID',
      message: expect.stringContaining('call connect() first'),
    });
    const ready = client.connect();
    const sent = client.emit('echo', 'early');
    expect(client.connection.queued.messages).toBe(1);
    await ready;
    expect(await sent).toBe(true);
    await waitFor(() => got.length === 1, 'echo');
    expect(got).toEqual(['early']);
  });

  it('refuses system event names client-side (thrown), and oversize frames by the core rule (TOO_LARGE), keeping the connection', async () => {
    world = await ignisWorld({ maxPayloadBytes: 1024 });
    const client = world.client({ maxPayloadBytes: 1024 });
    const errors = codes(client);
    await client.connect();
    for (const name of ['authenticate', 'join', 'leave', 'heartbeat', 'connected', 'error', 'encrypted']) {
      expect(() => client.emit(name, {})).toThrow(/system event/);
    }
    await expect(client.emit('echo', 'é'.repeat(600))).rejects.toMatchObject({
      code: 'TOO_LARGE',
      message: expect.stringContaining('1024-byte limit'),
    });
    expect(errors).toEqual([expect.stringMatching(/^TOO_LARGE:/)]);
    await expect(client.request('echo', 'x'.repeat(2000))).rejects.toMatchObject({ code: 'TOO_LARGE' });
    const reply = await client.request<string>('echo', 'still fine');
    expect(reply.data).toBe('still fine');
    expect(client.connection.state).toBe('connected');
  });

  it('without the client-side guard the server drops an oversize frame with 1006', async () => {
    world = await ignisWorld({ maxPayloadBytes: 1024 });
    const client = world.client({ maxPayloadBytes: 10_000 });
    await client.connect();
    const drop = new Promise<DisconnectEvent>((resolve) => client.once('disconnected', resolve));
    void client.emit('echo', 'x'.repeat(2000));
    expect((await drop).code).toBe(1006);
  });

  it('turns error frames into typed error events carrying the server’s message', async () => {
    world = await ignisWorld();
    const client = world.client();
    const errors = codes(client);
    await client.connect();
    world.server.faults.inject(JSON.stringify({ event: 'error', data: { message: 'Not authenticated' } }));
    world.server.faults.inject(JSON.stringify({ event: 'error', data: { message: 'Invalid message format' } }));
    world.server.faults.inject('{"no":"event"}');
    await waitFor(() => errors.length === 3, 'three errors');
    expect(errors).toEqual([
      'AUTH_FAILED:Not authenticated',
      'PROTOCOL:Invalid message format',
      'PROTOCOL:malformed Ignis frame: not {event, data?, id?}',
    ]);
    expect(client.state).toBe('connected');
  });
});

describe('Ignis adapter: close codes, one at a time', () => {
  const reconnects = async (trigger: (w: IgnisWorld, clientId: string) => void, code: number): Promise<void> => {
    world = await ignisWorld();
    const client = world.client();
    await client.connect();
    const first = client.session!.clientId;
    const drop = new Promise<DisconnectEvent>((resolve) => client.once('disconnected', resolve));
    trigger(world, first);
    const event = await drop;
    expect(event.code).toBe(code);
    expect(event.willReconnect).toBe(true);
    await waitFor(() => client.state === 'connected' && client.session!.clientId !== first, 'reconnected');
    await world.close();
  };

  it('1001 (server shutting down) reconnects', () => reconnects((w) => w.ignis.shutdown(), 1001));
  it('1006 (abrupt) reconnects', () => reconnects((w) => w.server.faults.drop('/ignis'), 1006));
  it('4001 reconnects', () =>
    reconnects((w, id) => w.ignis.connectionOf(id)!.close(4001, 'Authentication timeout'), 4001));
  it('4002 reconnects', () => reconnects((w, id) => w.ignis.connectionOf(id)!.close(4002, 'Heartbeat timeout'), 4002));
  it('4003 without a preceding "Authentication error" is a refusal: static credentials are not retried', async () => {
    world = await ignisWorld();
    const client = world.client();
    await client.connect();
    world.ignis.connectionOf(client.session!.clientId)!.close(4003, 'Authentication failed');
    await waitFor(() => client.state === 'failed', 'failed');
    await sleep(200);
    expect(world.ignis.authLog).toHaveLength(1);
  });
  it('an unknown app code (4400) reconnects', () =>
    reconnects((w, id) => w.ignis.connectionOf(id)!.close(4400, 'app'), 4400));

  it('4004 stops with a configuration error', async () => {
    world = await ignisWorld({ requireEncryption: true });
    const client = world.client(); // no encryption option: the server's handshake fails
    const error = (await client.connect().catch((e: unknown) => e)) as PolySocketError;
    expect(error).toMatchObject({ code: 'INVALID', retryable: false });
    expect(error.message).toMatch(/Encryption handshake failed|requires encryption/);
    await sleep(200);
    expect(world.ignis.authLog).toHaveLength(1);
  });

  it('4004 without an error frame (mid-session) stops too', async () => {
    world = await ignisWorld();
    const client = world.client();
    await client.connect();
    world.ignis.connectionOf(client.session!.clientId)!.close(4004, 'Encryption required');
    await waitFor(() => client.state === 'failed', 'failed');
  });
});

describe('Ignis adapter: encryption', () => {
  it('decrypts frames sealed by the server’s Node-crypto implementation, in arrival order', async () => {
    world = await ignisWorld({ requireEncryption: true });
    const client = world.client({ encryption: ignisEncryption() });
    await client.connect();
    expect(client.session!.encrypted).toBe(true);
    expect(world.ignis.client(client.session!.clientId)!.encrypted).toBe(true);
    const reply = await client.request<{ secret: string }>('echo', { secret: 'hush' });
    expect(reply).toMatchObject({ event: 'echo', data: { secret: 'hush' } });

    const got: number[] = [];
    client.on('tick', (n) => got.push(n as number));
    for (let i = 0; i < 200; i++) world.ignis.broadcast('tick', i);
    await waitFor(() => got.length === 200, 'all ticks');
    expect(got).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('reports a tampered frame as one error and keeps going', async () => {
    world = await ignisWorld({ requireEncryption: true });
    const client = world.client({ encryption: ignisEncryption() });
    const errors = codes(client);
    await client.connect();
    const got: unknown[] = [];
    client.on('after', (data) => got.push(data));
    const sealedConnection = world.ignis.connectionOf(client.session!.clientId)!;
    // A valid-looking frame whose ciphertext was altered in transit.
    const bogus = {
      event: 'encrypted',
      data: { iv: Buffer.alloc(12, 1).toString('base64'), ct: Buffer.alloc(40, 7).toString('base64') },
    };
    sealedConnection.sendRaw(JSON.stringify(bogus));
    sealedConnection.sendRaw(JSON.stringify({ event: 'encrypted', data: { iv: 'not base64!', ct: 'AAAA' } }));
    world.ignis.broadcast('after', 'ok');
    await waitFor(() => got.length === 1, 'the next good frame');
    expect(errors).toEqual([
      'PROTOCOL:an encrypted frame failed to decrypt (tampered, or the wrong key)',
      'PROTOCOL:iv is not standard padded base64',
    ]);
    expect(client.state).toBe('connected');
  });

  it('seals outbound frames when asked, and the server (Node crypto) opens them', async () => {
    world = await ignisWorld({ requireEncryption: true });
    const client = world.client({ encryption: ignisEncryption({ sealOutbound: true }) });
    await client.connect();
    const reply = await client.request<string>('echo', 'sealed both ways');
    expect(reply.data).toBe('sealed both ways');
    await client.emit('echo', 'and an emit');
    await waitFor(() => world.ignis.openedFrames === 2, 'the server to open both');
    expect(world.ignis.openedFrames).toBe(2);
  });

  it('an encrypted `connected` (the docs’ transformer bug) is a clear configuration failure', async () => {
    world = await ignisWorld({ requireEncryption: true, encryptConnected: true });
    const client = world.client({ encryption: ignisEncryption() });
    const error = (await client.connect().catch((e: unknown) => e)) as PolySocketError;
    expect(error).toMatchObject({ code: 'INVALID', retryable: false });
    expect(error.message).toMatch(/encrypts `connected`/);
  });

  it('encryption on a server without the handshake fails clearly', async () => {
    world = await ignisWorld();
    const client = world.client({ encryption: ignisEncryption() });
    await expect(client.connect()).rejects.toThrow(/no serverPublicKey\/salt/);
  });

  it('an encrypted frame on a client without encryption is an error event, not a crash', async () => {
    world = await ignisWorld();
    const client = world.client();
    const errors = codes(client);
    await client.connect();
    world.server.faults.inject(JSON.stringify({ event: 'encrypted', data: { iv: 'AAAA', ct: 'AAAA' } }));
    await waitFor(() => errors.length === 1, 'error');
    expect(errors[0]).toMatch(/encryption is not enabled/);
  });
});

describe('Ignis adapter: listeners', () => {
  it('routes lifecycle names to lifecycle events and everything else to app events; onAny sees all app events', async () => {
    world = await ignisWorld();
    const client = world.client();
    const states: string[] = [];
    const any: string[] = [];
    client.on('state', (s) => states.push(s));
    client.onAny((event) => any.push(event));
    client.onEvent('state', () => any.push('app-state'));
    await client.connect();
    world.ignis.broadcast('state', { app: true });
    world.ignis.broadcast('news', 1);
    await waitFor(() => any.length === 3, 'app events');
    expect(states).toEqual(['connecting', 'connected']);
    expect(any).toEqual(['app-state', 'state', 'news']);
    const envelopes: IgnisEnvelope[] = [];
    client.once('news', (_data, envelope) => envelopes.push(envelope));
    world.ignis.broadcast('news', 2);
    world.ignis.broadcast('news', 3);
    await waitFor(() => any.length === 5, 'more');
    expect(envelopes).toEqual([{ event: 'news', data: 2 }]);
  });
});
