import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PolySocketError, type ReconnectingEvent } from '@polysocket/core';
import { harness } from '../helpers/client';
import { advance, flush } from '../helpers/flush';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Connection lifecycle', () => {
  it('idle → connecting → connected, with the handshake info', async () => {
    const { client, states } = harness();
    expect(client.state).toBe('idle');
    const connected = vi.fn();
    client.on('connected', connected);
    const ready = client.connect();
    expect(client.state).toBe('connecting');
    await flush();
    await ready;
    expect(states).toEqual(['connecting', 'connected']);
    expect(client.info).toEqual({ session: 's1' });
    expect(connected).toHaveBeenCalledWith({ session: 's1' });
    client.close();
  });

  it('connect() while connected resolves at once and opens nothing new', async () => {
    const { client, echo } = harness();
    await client.connect();
    await client.connect();
    expect(echo.server.attempts).toBe(1);
    client.close();
  });

  it('connected → reconnecting → connecting → connected after a drop, with backoff and restore', async () => {
    const restoreCalls: { reconnect: boolean }[] = [];
    const { client, echo, states } = harness({ protocol: { restoreCalls, streams: ['a'] } });
    await client.connect();
    const reconnecting: ReconnectingEvent[] = [];
    const disconnected = vi.fn();
    client.on('reconnecting', (event) => reconnecting.push(event));
    client.on('disconnected', disconnected);

    echo.server.last!.drop();
    await flush();
    expect(client.state).toBe('reconnecting');
    expect(disconnected).toHaveBeenCalledWith(
      expect.objectContaining({ code: 1006, wasClean: false, willReconnect: true }),
    );
    // random() = 0.5 → delay = 100 + 0.5 * (1000 - 100) on the first retry
    expect(reconnecting).toEqual([
      { attempt: 1, delayMs: 550, error: expect.objectContaining({ code: 'DISCONNECTED', backendCode: 1006 }) },
    ]);

    await advance(549);
    expect(client.state).toBe('reconnecting');
    await advance(1);
    expect(client.state).toBe('connected');
    expect(states).toEqual(['connecting', 'connected', 'reconnecting', 'connecting', 'connected']);
    expect(restoreCalls).toEqual([{ reconnect: false }, { reconnect: true }]);
    expect(echo.frames()).toEqual([
      { t: 'hello', token: 'good-token' },
      { t: 'sub', stream: 'a' },
    ]);
    client.close();
  });

  it('grows the delay while sessions die young and resets it only after the minimum uptime', async () => {
    const { client, echo } = harness({ connection: { minUptimeMs: 5000 } });
    const events: ReconnectingEvent[] = [];
    client.on('reconnecting', (event) => events.push(event));
    await client.connect();
    const dropAndReconnect = async (upMs: number): Promise<void> => {
      await advance(upMs);
      echo.server.last!.drop(); // accepted, then dropped: a flapping server
      await flush();
      await advance(events[events.length - 1].delayMs);
      expect(client.state).toBe('connected');
    };
    await dropAndReconnect(0);
    await dropAndReconnect(10);
    await dropAndReconnect(4999);
    expect(events.map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(events.map((e) => e.delayMs)).toEqual([550, 1050, 2050]);
    await dropAndReconnect(5000); // this session stayed up long enough: the counter was reset
    expect(events.map((e) => e.attempt)).toEqual([1, 2, 3, 1]);
    client.close();
  });

  it('counts failed attempts while the server refuses, and connects when it comes back', async () => {
    const { client, echo } = harness();
    const delays: number[] = [];
    client.on('reconnecting', (event) => delays.push(event.delayMs));
    echo.server.refuse = true;
    void client.connect();
    await flush();
    for (let i = 0; i < 4; i++) await advance(delays[delays.length - 1]);
    expect(delays).toEqual([550, 1050, 2050, 4050, 8050]);
    echo.server.refuse = false;
    await advance(8050);
    expect(client.state).toBe('connected');
    client.close();
  });

  it('refuses a maxAttempts below 0 (or NaN) at construction, saying what is allowed', () => {
    for (const maxAttempts of [-1, Number.NaN])
      expect(() => harness({ connection: { maxAttempts } })).toThrow(
        expect.objectContaining({ code: 'INVALID', message: expect.stringContaining('use 0 or more') }),
      );
    expect(() => harness({ connection: { maxAttempts: 0 } }).client.close()).not.toThrow();
  });

  it('ends in failed after maxAttempts, and connect() starts again from there', async () => {
    const { client, echo, states } = harness({ connection: { maxAttempts: 2 } });
    echo.server.refuse = true;
    const first = client.connect();
    const rejected = expect(first).rejects.toMatchObject({ code: 'DISCONNECTED' });
    await advance(60_000);
    await rejected;
    expect(client.state).toBe('failed');
    expect(echo.server.attempts).toBe(3); // the first try and two retries
    expect(states.filter((s) => s === 'connecting')).toHaveLength(3);

    echo.server.refuse = false;
    const again = client.connect();
    await flush();
    await again;
    expect(client.state).toBe('connected');
    client.close();
  });

  it('a connect timeout abandons the attempt and retries', async () => {
    const { client, echo, errors } = harness({ server: { ignoreHello: true }, connection: { connectTimeoutMs: 2000 } });
    void client.connect().catch(() => undefined);
    await advance(1999);
    expect(client.state).toBe('connecting');
    await advance(1);
    expect(client.state).toBe('reconnecting');
    expect(errors[0]).toMatchObject({ code: 'TIMEOUT' });
    expect(echo.server.last!.isOpen).toBe(false);
    client.close();
  });

  it('a non-retryable handshake error ends in failed after exactly one attempt', async () => {
    const { client, echo } = harness({ protocol: { token: () => 'bad' }, server: { badTokens: new Set(['bad']) } });
    await expect(client.connect()).rejects.toMatchObject({ code: 'AUTH_FAILED', retryable: false });
    await advance(120_000);
    expect(client.state).toBe('failed');
    expect(echo.server.attempts).toBe(1);
  });

  it('AUTH_EXPIRED in the handshake retries with reauth set', async () => {
    const handshakes: { attempt: number; reconnect: boolean; reauth: boolean }[] = [];
    let token = 'old';
    const { client } = harness({
      protocol: { token: () => token, handshakes },
      server: { expiredTokens: new Set(['old']) },
    });
    const ready = client.connect();
    await flush();
    expect(client.state).toBe('reconnecting');
    token = 'new';
    await advance(1000);
    await ready;
    expect(handshakes).toEqual([
      { attempt: 0, reconnect: false, reauth: false },
      { attempt: 1, reconnect: false, reauth: true },
    ]);
    client.close();
  });

  it('reconnect({ reauth }) drops the session and re-handshakes with reauth', async () => {
    const handshakes: { attempt: number; reconnect: boolean; reauth: boolean }[] = [];
    const { client } = harness({ protocol: { handshakes } });
    await client.connect();
    client.reconnect({ reauth: true });
    expect(client.state).toBe('reconnecting');
    await advance(1000);
    expect(client.state).toBe('connected');
    expect(handshakes[1]).toEqual({ attempt: 1, reconnect: true, reauth: true });
    client.close();
  });

  it('classifyClose "stop" ends in failed with the protocol error', async () => {
    const { client, echo } = harness({
      protocol: {
        classifyClose: (info) =>
          info.code === 4004
            ? { action: 'stop', error: new PolySocketError('INVALID', 'encryption required', { backendCode: 4004 }) }
            : { action: 'reconnect' },
      },
    });
    await client.connect();
    const disconnected = vi.fn();
    client.on('disconnected', disconnected);
    echo.server.last!.close(4004, 'Encryption required');
    await flush();
    expect(client.state).toBe('failed');
    expect(disconnected).toHaveBeenCalledWith(expect.objectContaining({ code: 4004, willReconnect: false }));
    await advance(60_000);
    expect(echo.server.attempts).toBe(1);
  });

  it('reconnect: false ends in failed on the first drop', async () => {
    const { client, echo } = harness({ connection: { reconnect: false } });
    await client.connect();
    echo.server.last!.drop();
    await flush();
    expect(client.state).toBe('failed');
  });

  it('close() is idempotent from every state and releases every timer', async () => {
    for (const setup of ['idle', 'connecting', 'connected', 'reconnecting', 'failed'] as const) {
      const { client, echo } = harness({ protocol: { heartbeat: { intervalMs: 1000, ping: () => ({ t: 'ping' }) } } });
      const ready = setup === 'idle' ? Promise.resolve() : client.connect().catch(() => undefined);
      if (setup !== 'idle' && setup !== 'connecting') await flush();
      if (setup === 'reconnecting') {
        echo.server.last!.drop();
        await flush();
      }
      if (setup === 'failed') client.fail(new PolySocketError('SERVER', 'stop'));
      expect(client.state).toBe(setup);
      client.close();
      await ready;
      expect(client.state).toBe('closed');
      client.close();
      expect(client.state).toBe('closed');
      expect(vi.getTimerCount()).toBe(0);
      await advance(60_000);
      expect(client.state).toBe('closed');
      expect(echo.server.open).toHaveLength(0);
    }
  });

  it('one timer per client: the connect timeout or the retry, and the deadline of waiting connect() calls', async () => {
    const { client, echo } = harness({ server: { ignoreHello: true }, connection: { connectTimeoutMs: 2000 } });
    const first = client.connect().catch(() => undefined);
    await flush();
    const second = client.connect().catch(() => undefined);
    expect(client.state).toBe('connecting');
    expect(vi.getTimerCount()).toBe(1);
    echo.server.refuse = true;
    await advance(2000); // the connect timeout: the client waits to retry, the connect() calls still wait
    expect(client.state).toBe('reconnecting');
    expect(vi.getTimerCount()).toBe(1);
    client.close();
    await Promise.all([first, second]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('close() rejects a pending connect() with CLOSED', async () => {
    const { client, echo } = harness();
    echo.server.refuse = true;
    const ready = client.connect();
    await flush();
    client.close();
    await expect(ready).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('the browser online event after offline cuts the backoff short, within a random 0–500 ms', async () => {
    const network = new EventTarget();
    const { client, echo } = harness({ connection: { browser: { network, document: null } } });
    echo.server.refuse = true;
    void client.connect().catch(() => undefined);
    await flush();
    await advance(550);
    await advance(1050);
    expect(client.state).toBe('reconnecting'); // the next try is 2050 ms away
    network.dispatchEvent(new Event('offline'));
    echo.server.refuse = false;
    const before = echo.server.attempts;
    network.dispatchEvent(new Event('online'));
    await advance(249);
    expect(echo.server.attempts).toBe(before);
    await advance(1); // random() = 0.5 → 250 ms
    expect(echo.server.attempts).toBe(before + 1);
    expect(client.state).toBe('connected');
    client.close();
  });

  it('online events without an offline before them respect the backoff (no storm from a flood of them)', async () => {
    const network = new EventTarget();
    const { client, echo } = harness({ connection: { browser: { network, document: null } } });
    echo.server.refuse = true;
    void client.connect().catch(() => undefined);
    await flush();
    const before = echo.server.attempts;
    // one event every 20 ms for 3 s; the backoff alone allows the retries at 550, 1600 (and 3650) ms
    for (let t = 0; t < 3000; t += 20) {
      network.dispatchEvent(new Event('online'));
      await advance(20);
    }
    expect(echo.server.attempts - before).toBe(2);
    client.close();
  });

  it('releases browser listeners on close', async () => {
    const added: string[] = [];
    const removed: string[] = [];
    const target = {
      addEventListener: (type: string) => added.push(type),
      removeEventListener: (type: string) => removed.push(type),
    };
    const doc = { ...target, visibilityState: 'visible' };
    const { client } = harness({ connection: { browser: { network: target, document: doc } } });
    await client.connect();
    expect(added.sort()).toEqual(['freeze', 'offline', 'online', 'pagehide', 'pageshow', 'resume', 'visibilitychange']);
    client.close();
    expect(removed.sort()).toEqual(added.sort());
  });

  it('a throwing listener is reported and never breaks the read loop', async () => {
    const { client, echo, errors } = harness();
    await client.connect();
    const seen: unknown[] = [];
    client.on('rtt', () => undefined);
    const thrower = (): void => {
      throw new Error('app bug');
    };
    client.on('state', thrower);
    client.on('state', (state) => seen.push(state));
    echo.server.last!.drop();
    await flush();
    expect(seen).toEqual(['reconnecting']);
    expect(errors.some((e) => (e as PolySocketError).code === 'LISTENER')).toBe(true);
    await advance(1000);
    expect(client.state).toBe('connected');
    client.close();
  });

  it('a throwing onFrame handler is reported and the next frames still arrive', async () => {
    let calls = 0;
    const { client, echo, errors } = harness({
      protocol: {
        onFrame: () => {
          calls++;
          if (calls === 1) throw new Error('boom');
        },
      },
    });
    await client.connect();
    echo.sendTo(echo.server.last!, { t: 'msg', body: 1 });
    echo.sendTo(echo.server.last!, { t: 'msg', body: 2 });
    await flush();
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'LISTENER' });
    client.close();
  });

  it('a malformed frame is one PROTOCOL error and the connection stays up', async () => {
    const { client, echo, errors, frames } = harness();
    await client.connect();
    echo.server.last!.send('{not json');
    echo.server.last!.send('"a string"');
    echo.sendTo(echo.server.last!, { t: 'msg', body: 'after' });
    await flush();
    expect(errors.map((e) => (e as PolySocketError).code)).toEqual(['PROTOCOL', 'PROTOCOL']);
    expect(frames).toEqual([{ t: 'msg', body: 'after' }]);
    expect(client.state).toBe('connected');
    client.close();
  });

  it('fail() from outside ends in failed and rejects what is pending with that error', async () => {
    const { client } = harness({ server: { holdRequests: true } });
    await client.connect();
    const pending = client.request((id) => ({ t: 'req', id, body: 1 }));
    client.fail(new PolySocketError('FORBIDDEN', 'nope'));
    await expect(pending).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(client.state).toBe('failed');
  });
});
