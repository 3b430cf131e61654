import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Connection, MemoryServer, PolySocketError, fetchCredentials, type Protocol } from '@polysocket/core';
import { harness } from '../helpers/client';
import { advance, flush } from '../helpers/flush';

// Issue 14, items 5 and 6: what the end of a client settles and releases.

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('when the client ends', () => {
  it('a request already written rejects with maybeDelivered: true, one still queued with false', async () => {
    const { client, echo } = harness({ server: { holdRequests: true } });
    await client.connect();
    const written = client.request((id) => ({ t: 'req', id, body: 'written' }));
    echo.server.last!.silent = true; // nothing more reaches the server or comes back
    const closed = [expect(written).rejects.toMatchObject({ code: 'CLOSED', maybeDelivered: true })];
    client.close();
    await Promise.all(closed);
  });

  it('a request that waited in the outbox rejects with maybeDelivered: false', async () => {
    const { client, echo } = harness();
    await client.connect();
    echo.server.last!.drop();
    await flush();
    const queued = client.request((id) => ({ t: 'req', id, body: 'queued' }));
    const rejected = expect(queued).rejects.toMatchObject({ code: 'CLOSED', maybeDelivered: false });
    client.close();
    await rejected;
  });

  it('fail() (a fatal server error) rejects written requests with maybeDelivered: true', async () => {
    const { client } = harness({ server: { holdRequests: true } });
    await client.connect();
    const written = client.request((id) => ({ t: 'req', id, body: 1 }));
    const rejected = expect(written).rejects.toMatchObject({ code: 'AUTH_EXPIRED', maybeDelivered: true });
    client.fail(new PolySocketError('AUTH_EXPIRED', 'token expired', { retryable: false, backendCode: 40102 }));
    await rejected;
  });

  it('a credential provider still pending at close() keeps no timer', async () => {
    const server = new MemoryServer();
    const protocol: Protocol<string, string> = {
      name: 'provider',
      encode: (frame) => frame,
      decode: (data, emit) => emit(String(data)),
      async handshake(context) {
        const token = await fetchCredentials('authCallback', () => new Promise<string>(() => undefined), {
          timeoutMs: 10_000,
          valid: (value) => typeof value === 'string',
          expected: 'a token',
          signal: context.signal,
        });
        context.send(token);
        return { info: undefined };
      },
    };
    const client = new Connection({
      protocol,
      transport: server.transport,
      browser: { network: null, document: null },
    });
    const ready = client.connect();
    await flush();
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    client.close();
    await expect(ready).rejects.toMatchObject({ code: 'CLOSED' });
    await flush();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sends and requests on an idle or closed client fail at once with what to do', async () => {
    const { client } = harness();
    await expect(client.send({ t: 'msg', body: 1 })).rejects.toMatchObject({
      code: 'INVALID',
      message: expect.stringContaining('call connect() first'),
    });
    await expect(client.request((id) => ({ t: 'req', id, body: 1 }))).rejects.toMatchObject({ code: 'INVALID' });
    await client.connect();
    client.close();
    await expect(client.send({ t: 'msg', body: 1 })).rejects.toMatchObject({
      code: 'CLOSED',
      message: expect.stringContaining('closed'),
    });
    await expect(client.request((id) => ({ t: 'req', id, body: 1 }))).rejects.toMatchObject({
      code: 'CLOSED',
      maybeDelivered: false,
    });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a failed client refuses sends with CLOSED naming why it failed', async () => {
    const { client } = harness({ protocol: { token: () => 'bad' }, server: { badTokens: new Set(['bad']) } });
    await expect(client.connect()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    await expect(client.send({ t: 'msg', body: 1 })).rejects.toMatchObject({
      code: 'CLOSED',
      message: expect.stringContaining('token refused'),
      cause: expect.objectContaining({ code: 'AUTH_FAILED' }),
    });
    await advance(1);
  });
});
