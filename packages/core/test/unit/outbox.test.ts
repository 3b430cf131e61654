import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PolySocketError } from '@polysocket/core';
import { harness } from '../helpers/client';
import { advance, flush } from '../helpers/flush';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function disconnected(options: Parameters<typeof harness>[0] = {}) {
  const h = harness({ protocol: { streams: ['news'] }, ...options });
  await h.client.connect();
  h.echo.server.last!.drop();
  await flush();
  expect(h.client.state).toBe('reconnecting');
  return h;
}

describe('outbox', () => {
  it('sends at once while connected', async () => {
    const { client, echo } = harness();
    await client.connect();
    expect(await client.send({ t: 'msg', body: 1 })).toBe(true);
    await flush();
    expect(echo.frames()).toEqual([
      { t: 'hello', token: 'good-token' },
      { t: 'msg', body: 1 },
    ]);
    client.close();
  });

  it('keeps sends made while disconnected and flushes them in order after restore', async () => {
    const { client, echo } = await disconnected();
    const written = [1, 2, 3, 4, 5].map((n) => client.send({ t: 'msg', body: n }));
    expect(client.queued.messages).toBe(5);
    await advance(1000);
    expect(client.state).toBe('connected');
    expect(await Promise.all(written)).toEqual([true, true, true, true, true]);
    expect(echo.frames()).toEqual([
      { t: 'hello', token: 'good-token' },
      { t: 'sub', stream: 'news' },
      ...[1, 2, 3, 4, 5].map((n) => ({ t: 'msg', body: n })),
    ]);
    expect(client.queued).toEqual({ messages: 0, bytes: 0 });
    client.close();
  });

  it('refuses sends and requests before the first connect, at once, saying what to do', async () => {
    const { client, echo } = harness();
    await expect(client.send({ t: 'msg', body: 'early' })).rejects.toMatchObject({
      code: 'INVALID',
      message: expect.stringContaining('call connect() first'),
    });
    await expect(client.request((id) => ({ t: 'req', id, body: 1 }))).rejects.toMatchObject({ code: 'INVALID' });
    expect(client.queued).toEqual({ messages: 0, bytes: 0 });
    await client.connect();
    expect(echo.frames()).toEqual([{ t: 'hello', token: 'good-token' }]);
    client.close();
  });

  it('a send made while the first connect is under way waits and goes out once connected', async () => {
    const { client, echo } = harness();
    const ready = client.connect();
    const sent = client.send({ t: 'msg', body: 'early' });
    await ready;
    expect(await sent).toBe(true);
    expect(echo.frames()[1]).toEqual({ t: 'msg', body: 'early' });
    client.close();
  });

  it('a send made in a connected listener goes out after what was already queued', async () => {
    const { client, echo } = await disconnected();
    void client.send({ t: 'msg', body: 'queued' });
    client.once('connected', () => void client.send({ t: 'msg', body: 'from listener' }));
    await advance(1000);
    expect(echo.frames().slice(2)).toEqual([
      { t: 'msg', body: 'queued' },
      { t: 'msg', body: 'from listener' },
    ]);
    client.close();
  });

  it('drops volatile sends while disconnected, and says so', async () => {
    const { client, echo } = await disconnected();
    expect(await client.send({ t: 'msg', body: 'volatile' }, { volatile: true })).toBe(false);
    expect(client.queued.messages).toBe(0);
    await advance(1000);
    expect(echo.frames().some((f) => f.t === 'msg')).toBe(false);
    client.close();
  });

  it('rejects with OUTBOX_FULL past the message bound, keeping what it accepted', async () => {
    const { client, echo, errors } = await disconnected({ connection: { outbox: { maxMessages: 3 } } });
    const results = [1, 2, 3, 4].map((n) => client.send({ t: 'msg', body: n }));
    await expect(results[3]).rejects.toMatchObject({
      code: 'OUTBOX_FULL',
      // What to do, not only what happened.
      message: expect.stringMatching(
        /^outbox full \(3 messages, \d+ bytes\): wait for the client to reconnect, or raise outbox\.maxMessages/,
      ),
    });
    expect(errors.map((e) => (e as PolySocketError).code)).toContain('OUTBOX_FULL');
    await advance(1000);
    expect(echo.frames().filter((f) => f.t === 'msg')).toEqual([1, 2, 3].map((n) => ({ t: 'msg', body: n })));
    client.close();
  });

  it('rejects with OUTBOX_FULL past the byte bound', async () => {
    const { client } = await disconnected({ connection: { outbox: { maxBytes: 100 } } });
    const first = client.send({ t: 'msg', body: 'x'.repeat(60) });
    const second = client.send({ t: 'msg', body: 'y'.repeat(60) });
    await expect(second).rejects.toMatchObject({ code: 'OUTBOX_FULL' });
    expect(client.queued.messages).toBe(1);
    expect(client.queued.bytes).toBeLessThanOrEqual(100);
    await advance(1000);
    expect(await first).toBe(true);
    client.close();
  });

  it('expires entries after their TTL with TIMEOUT, and sends the rest', async () => {
    const { client, echo } = await disconnected();
    const short = client.send({ t: 'msg', body: 'short' }, { ttlMs: 200 });
    const long = client.send({ t: 'msg', body: 'long' }, { ttlMs: 5000 });
    const forever = client.send({ t: 'msg', body: 'forever' });
    const shortOutcome = expect(short).rejects.toMatchObject({ code: 'TIMEOUT' });
    await advance(200);
    await shortOutcome;
    expect(client.queued.messages).toBe(2);
    await advance(800); // reconnects at 550 ms
    expect(await long).toBe(true);
    expect(await forever).toBe(true);
    expect(
      echo
        .frames()
        .filter((f) => f.t === 'msg')
        .map((f) => (f as { body: string }).body),
    ).toEqual(['long', 'forever']);
    client.close();
  });

  it('rejects everything queued with CLOSED on close(), and later sends too', async () => {
    const { client } = await disconnected();
    const queued = client.send({ t: 'msg', body: 1 });
    client.close();
    await expect(queued).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(client.send({ t: 'msg', body: 2 })).rejects.toMatchObject({ code: 'CLOSED' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an ignored failing send never becomes an unhandled rejection', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const { client } = await disconnected({ connection: { outbox: { maxMessages: 0 } } });
      void client.send({ t: 'msg', body: 'dropped' });
      client.close();
      void client.send({ t: 'msg', body: 'after close' });
      await flush();
      vi.useRealTimers();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('a gated send waits even while connected, holds what comes after it, and goes when the gate opens', async () => {
    const { client, echo } = harness();
    await client.connect();
    let open: boolean | PolySocketError = false;
    const held = client.send({ t: 'msg', body: 'gated' }, { gate: () => open });
    const behind = client.send({ t: 'msg', body: 'behind it' });
    await flush();
    expect(echo.frames().filter((f) => f.t === 'msg')).toEqual([]);
    open = true;
    client.flush();
    expect(await held).toBe(true);
    expect(await behind).toBe(true);
    await flush();
    expect(
      echo
        .frames()
        .filter((f) => f.t === 'msg')
        .map((f) => (f as { body: string }).body),
    ).toEqual(['gated', 'behind it']);
    client.close();
  });

  it('a gate that returns an error rejects the send with it, at once or while queued', async () => {
    const { client } = harness();
    await client.connect();
    const { PolySocketError } = await import('@polysocket/core');
    const refused = new PolySocketError('FORBIDDEN', 'namespace refused');
    await expect(client.send({ t: 'msg', body: 1 }, { gate: () => refused })).rejects.toBe(refused);
    let state: boolean | PolySocketError = false;
    const queued = client.send({ t: 'msg', body: 2 }, { gate: () => state });
    const request = client.request((id) => ({ t: 'req', id, body: 3 }), { gate: () => state });
    state = refused;
    client.flush();
    await expect(queued).rejects.toBe(refused);
    await expect(request).rejects.toBe(refused);
    client.close();
  });
});

describe('control frames', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  it('a bypassOutbox request goes out at once even while gated sends wait', async () => {
    const { client, echo } = harness();
    await client.connect();
    void client.send({ t: 'msg', body: 'waits for the control frame' }, { gate: () => false });
    void client.request((id) => ({ t: 'req', id, body: 'control' }), { bypassOutbox: true });
    await flush();
    expect(echo.frames().map((f) => f.t)).toEqual(['hello', 'req']);
    client.close();
  });
});
