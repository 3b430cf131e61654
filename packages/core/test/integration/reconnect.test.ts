import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Connection, webSocketTransport, type DisconnectEvent, type HeartbeatPolicy } from '@polysocket/core';
import { MockServer } from '@polysocket/mock-server';
import { echoModule, type EchoModule } from '../helpers/echo-module';
import {
  clientPingHeartbeat,
  echoProtocol,
  type EchoIn,
  type EchoOut,
  type EchoProtocolOptions,
} from '../helpers/echo-protocol';
import { once, waitFor } from '../helpers/wait';

let server: MockServer;
let module: EchoModule;
const clients: Connection<EchoOut, EchoIn>[] = [];

beforeEach(async () => {
  module = echoModule();
  server = new MockServer({ modules: [module] });
  await server.listen();
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server.close();
});

function client(protocol: EchoProtocolOptions = {}, frames: EchoIn[] = []): Connection<EchoOut, EchoIn> {
  const c = new Connection<EchoOut, EchoIn>({
    protocol: echoProtocol({ ...protocol, onFrame: (frame) => frames.push(frame) }),
    transport: webSocketTransport({ url: server.wsUrl('/echo') }),
    backoff: { initialDelayMs: 50, maxDelayMs: 200, minDelayMs: 10 },
    browser: { network: null, document: null },
  });
  clients.push(c);
  return c;
}

const bodies = (frames: { frame: EchoOut }[]): unknown[] =>
  frames.filter((r) => r.frame.t === 'msg').map((r) => (r.frame as { body: unknown }).body);

describe('core over real sockets (mock server on 127.0.0.1)', () => {
  it('abrupt drop → backoff → reconnect → restore → outbox flushed in order', async () => {
    const c = client({ streams: ['news'] });
    await c.connect();
    for (let i = 1; i <= 5; i++) await c.send({ t: 'msg', body: i });
    await waitFor(() => bodies(module.received).length === 5, 'the first five');

    const reconnecting = once<{ attempt: number; delayMs: number }>((resolve) => c.once('reconnecting', resolve));
    expect(server.faults.drop()).toBe(1);
    const event = await reconnecting;
    expect(event.attempt).toBe(1);
    expect(event.delayMs).toBeGreaterThanOrEqual(10);
    expect(event.delayMs).toBeLessThan(50);
    const queued = [];
    for (let i = 6; i <= 50; i++) queued.push(c.send({ t: 'msg', body: i }));
    expect(c.queued.messages).toBe(45);

    await once<unknown>((resolve) => c.once('connected', resolve));
    expect(await Promise.all(queued)).toEqual(queued.map(() => true));
    await waitFor(() => bodies(module.received).length === 50, 'all fifty');
    expect(bodies(module.received)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));

    const second = module.connections[1].id;
    const onSecond = module.received.filter((r) => r.connection === second).map((r) => r.frame);
    expect(onSecond.slice(0, 2)).toEqual([
      { t: 'hello', token: 'good-token' },
      { t: 'sub', stream: 'news' },
    ]);
    expect(onSecond.slice(2).map((f) => (f as { body: number }).body)).toEqual(
      Array.from({ length: 45 }, (_, i) => i + 6),
    );
  });

  it('detects a half-open server within the client-ping deadline', async () => {
    const c = client({ heartbeat: clientPingHeartbeat(200, 200) });
    await c.connect();
    await new Promise((resolve) => setTimeout(resolve, 450)); // two answered pings
    expect(c.rtt).toBeDefined();
    const dropped = once<DisconnectEvent>((resolve) => c.once('disconnected', resolve));
    const silencedAt = Date.now();
    expect(server.faults.silence()).toBe(1);
    const event = await dropped;
    const elapsed = Date.now() - silencedAt;
    expect(event.reason).toMatch(/dead link/);
    // Deadline: one interval for the next ping + the probe timeout (+ scheduling slack).
    expect(elapsed).toBeLessThanOrEqual(200 + 200 + 150);
    await once<unknown>((resolve) => c.once('connected', resolve));
    expect(module.connections).toHaveLength(2);
  });

  it('detects a half-open server with WebSocket pings where the protocol has no probe', async () => {
    const keepAliveOnly: HeartbeatPolicy<EchoOut, EchoIn> = {
      intervalMs: 200,
      ping: () => ({ t: 'msg', body: 'heartbeat' }),
      transportPing: true,
      probeTimeoutMs: 200,
    };
    const c = client({ heartbeat: keepAliveOnly });
    const rtts: number[] = [];
    c.on('rtt', (ms) => rtts.push(ms));
    await c.connect();
    await waitFor(() => rtts.length >= 2, 'transport pongs');
    const dropped = once<DisconnectEvent>((resolve) => c.once('disconnected', resolve));
    const silencedAt = Date.now();
    server.faults.silence();
    const event = await dropped;
    expect(event.reason).toMatch(/no answer to a ping/);
    expect(Date.now() - silencedAt).toBeLessThanOrEqual(200 + 200 + 150);
  });

  it('keeps retrying while the server refuses connections, then connects', async () => {
    const c = client();
    await c.connect();
    server.faults.refuse(400);
    server.faults.drop();
    const attempts: number[] = [];
    c.on('reconnecting', (event) => attempts.push(event.attempt));
    await once<unknown>((resolve) => c.once('connected', resolve));
    expect(attempts.length).toBeGreaterThan(1);
    expect(attempts).toEqual(attempts.map((_, i) => i + 1));
  });

  it('reconnects across a server restart that keeps its state', async () => {
    const c = client();
    await c.connect();
    expect(c.info).toEqual({ session: 's1' });
    const back = once<unknown>((resolve) => c.once('connected', resolve));
    await server.faults.restart(150);
    await back;
    expect(c.info).toEqual({ session: 's2' }); // the module's counter survived the restart
  });

  it('delayed frames slow replies down but lose nothing', async () => {
    const c = client();
    await c.connect();
    server.faults.delay(100);
    const started = Date.now();
    const replies = await Promise.all([1, 2, 3].map((n) => c.request((id) => ({ t: 'req', id, body: n }))));
    expect(replies.map((r) => (r as { body: number }).body)).toEqual([1, 2, 3]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('an injected garbage frame is one PROTOCOL error; the session carries on', async () => {
    const frames: EchoIn[] = [];
    const c = client({}, frames);
    const errors: string[] = [];
    c.on('error', (error) => errors.push(error.code));
    await c.connect();
    server.faults.inject('{"t":');
    server.faults.inject(JSON.stringify({ t: 'msg', body: 'fine' }));
    await waitFor(() => frames.length === 1, 'the good frame');
    expect(errors).toEqual(['PROTOCOL']);
    expect(c.state).toBe('connected');
  });
});
