import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { harness } from '../helpers/client';
import { advance, flush } from '../helpers/flush';

// Issue 14, item 8: one outbound size rule in the core. A message over the limit is refused with TOO_LARGE
// before it is written or queued, never written to be lost with the link a server closes over it.

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const frameOf = (body: string): string => JSON.stringify({ t: 'msg', body });
/** A body whose encoded frame is exactly `bytes` UTF-8 bytes. */
const bodyOf = (bytes: number): string => 'x'.repeat(bytes - frameOf('').length);

describe('the outbound size rule', () => {
  it('refuses a send over maxMessageSize with TOO_LARGE and an error event; the link stays up', async () => {
    const { client, echo, errors } = harness({ connection: { maxMessageSize: 100 } });
    await client.connect();
    await expect(client.send({ t: 'msg', body: bodyOf(101) })).rejects.toMatchObject({
      code: 'TOO_LARGE',
      retryable: false,
    });
    expect(errors).toEqual([expect.objectContaining({ code: 'TOO_LARGE' })]);
    await expect(client.send({ t: 'msg', body: bodyOf(100) })).resolves.toBe(true);
    await expect(client.request((id) => ({ t: 'req', id, body: 'y'.repeat(200) }))).rejects.toMatchObject({
      code: 'TOO_LARGE',
    });
    await flush();
    expect(client.state).toBe('connected');
    expect(echo.frames().filter((f) => f.t !== 'hello')).toEqual([{ t: 'msg', body: bodyOf(100) }]);
    client.close();
  });

  it('counts UTF-8 bytes, not UTF-16 units', async () => {
    const { client } = harness({ connection: { maxMessageSize: 100 } });
    await client.connect();
    // 50 × 'é' is 50 units but 100 bytes: with the frame around it, over 100.
    await expect(client.send({ t: 'msg', body: 'é'.repeat(50) })).rejects.toMatchObject({ code: 'TOO_LARGE' });
    await expect(client.send({ t: 'msg', body: 'é'.repeat(30) })).resolves.toBe(true);
    client.close();
  });

  it('a limit the server announces lowers it, and a queued message over it fails at the flush, not on the wire', async () => {
    const { client, echo } = harness({ protocol: { announcedMaxMessageSize: 100 } });
    const ready = client.connect();
    const big = client.send({ t: 'msg', body: bodyOf(150) }); // queued before the limit was known
    const small = client.send({ t: 'msg', body: 'ok' });
    await ready;
    await expect(big).rejects.toMatchObject({ code: 'TOO_LARGE' });
    await expect(small).resolves.toBe(true);
    expect(echo.frames().filter((f) => f.t === 'msg')).toEqual([{ t: 'msg', body: 'ok' }]);
    await expect(client.send({ t: 'msg', body: bodyOf(101) })).rejects.toMatchObject({ code: 'TOO_LARGE' });
    client.close();
  });

  it('a gate that lets a queued message go does not exempt it from the limit', async () => {
    const { client, echo } = harness({ protocol: { announcedMaxMessageSize: 100 } });
    const ready = client.connect();
    const gated = client.send({ t: 'msg', body: bodyOf(150) }, { gate: () => true });
    await ready;
    await expect(gated).rejects.toMatchObject({ code: 'TOO_LARGE' });
    expect(echo.frames().filter((f) => f.t === 'msg')).toEqual([]);
    await advance(1);
    client.close();
  });

  it('a handshake or restore frame over the limit fails the client with TOO_LARGE after one attempt, instead of a drop-and-retry loop', async () => {
    for (const protocol of [{ token: () => 't'.repeat(200) }, { streams: ['s'.repeat(200)] }]) {
      const { client, echo } = harness({ protocol, connection: { maxMessageSize: 100 } });
      await expect(client.connect()).rejects.toMatchObject({ code: 'TOO_LARGE', retryable: false });
      await advance(60_000);
      expect(client.state).toBe('failed');
      expect(echo.server.attempts).toBe(1);
    }
  });
});
