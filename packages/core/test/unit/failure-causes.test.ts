import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type PolySocketError, type ReconnectingEvent, type Transport, type TransportListener } from '@polysocket/core';
import { harness } from '../helpers/client';
import { advance, flush } from '../helpers/flush';

// Issue 14, item 3: every failed attempt says why, a 4xx answer to the upgrade is a configuration error, and
// connect() never hangs silently. On the code before, a refused attempt emitted no error at all, a 404 was
// retried for ever and connect() waited for ever.

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A transport that fails to open the way `ws` does: an error (with the HTTP status where there was one), then 1006. */
function failingTransport(
  error: Error & { status?: number; code?: string },
  opened: { count: number },
): () => Transport {
  return () => ({
    name: 'failing',
    bufferedAmount: 0,
    open(listener: TransportListener) {
      opened.count++;
      queueMicrotask(() => {
        listener.onError(error);
        listener.onClose({ code: 1006, reason: '', wasClean: false });
      });
    },
    send() {
      throw new Error('not open');
    },
    close() {},
  });
}

function httpError(status: number): Error & { status: number } {
  return Object.assign(new Error(`Unexpected server response: ${status}`), { status });
}

describe('failures say why', () => {
  it('every refused attempt emits a typed error naming the cause, and reconnecting carries it', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const opened = { count: 0 };
    const { client, errors } = harness({ connection: { transport: failingTransport(refused, opened) } });
    const events: ReconnectingEvent[] = [];
    client.on('reconnecting', (event) => events.push(event));
    void client.connect().catch(() => undefined);
    await flush();
    await advance(550);
    await advance(1050);
    expect(opened.count).toBe(3);
    expect(errors).toHaveLength(3);
    for (const error of errors) {
      expect(error).toMatchObject({
        code: 'DISCONNECTED',
        retryable: true,
        message: expect.stringContaining('ECONNREFUSED'),
      });
      expect((error as PolySocketError).cause).toBe(refused);
    }
    expect(events.map((e) => e.error?.message)).toEqual(errors.map((e) => e.message));
    client.close();
  });

  it.each([
    [404, 'NOT_FOUND'],
    [401, 'AUTH_FAILED'],
    [403, 'FORBIDDEN'],
    [400, 'INVALID'],
  ])('HTTP %i on the upgrade ends failed after one attempt with %s naming the status', async (status, code) => {
    const opened = { count: 0 };
    const { client, states } = harness({ connection: { transport: failingTransport(httpError(status), opened) } });
    await expect(client.connect()).rejects.toMatchObject({
      code,
      backendCode: status,
      retryable: false,
      message: expect.stringContaining(`HTTP ${status}`),
    });
    await advance(60_000);
    expect(opened.count).toBe(1);
    expect(states).toEqual(['connecting', 'failed']);
  });

  it.each([408, 429, 500, 503])('HTTP %i on the upgrade is retried', async (status) => {
    const opened = { count: 0 };
    const { client, errors } = harness({ connection: { transport: failingTransport(httpError(status), opened) } });
    void client.connect().catch(() => undefined);
    await flush();
    await advance(550);
    expect(opened.count).toBe(2);
    expect(client.state).toBe('reconnecting');
    expect(errors[0]).toMatchObject({
      backendCode: status,
      retryable: true,
      message: expect.stringContaining(`HTTP ${status}`),
    });
    client.close();
  });

  it('connect() settles within connectWaitMs with the last cause while the client keeps trying', async () => {
    const { client, echo } = harness();
    echo.server.refuse = true;
    const ready = client.connect();
    const rejected = expect(ready).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringContaining('connection refused'),
      cause: expect.objectContaining({ code: 'DISCONNECTED' }),
    });
    await advance(19_999);
    await advance(1);
    await rejected;
    expect(client.state).toBe('reconnecting');
    echo.server.refuse = false;
    const later = client.connect();
    await advance(20_000);
    await expect(later).resolves.toBeUndefined();
    expect(client.state).toBe('connected');
    client.close();
  });

  it('connectWaitMs: Infinity waits until the client is connected', async () => {
    const { client, echo } = harness({ connection: { connectWaitMs: Infinity } });
    echo.server.refuse = true;
    let settled = false;
    const ready = client.connect().finally(() => (settled = true));
    await advance(100_000);
    expect(settled).toBe(false);
    echo.server.refuse = false;
    await advance(31_000);
    await ready;
    expect(client.state).toBe('connected');
    client.close();
  });

  it('a maxAttempts rejection carries the last attempt as its cause', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const { client } = harness({ connection: { transport: failingTransport(refused, { count: 0 }), maxAttempts: 2 } });
    const rejected = expect(client.connect()).rejects.toMatchObject({
      code: 'DISCONNECTED',
      message: expect.stringMatching(/gave up after 2 reconnect attempts.*ECONNREFUSED/),
      cause: expect.objectContaining({ cause: refused }),
    });
    await advance(10_000);
    await rejected;
    expect(client.state).toBe('failed');
  });

  it('a connect timeout says what the transport last reported', async () => {
    const { client, errors } = harness({ server: { ignoreHello: true }, connection: { connectTimeoutMs: 1000 } });
    void client.connect().catch(() => undefined);
    await advance(1000);
    expect(errors[0]).toMatchObject({ code: 'TIMEOUT', message: 'not connected within 1000 ms' });
    client.close();
  });
});
