import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PolySocketError } from '@polysocket/core';
import { MemoryFoony } from '../helpers/memory-foony';
import { MemoryFoonyBinary } from '../helpers/memory-binary';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const UNSAFE = 2 ** 60;

/** A history option the wire cannot carry exactly is refused before anything is written (was a PROTOCOL + TIMEOUT). */
describe('history() options out of range', () => {
  it('binary wire: before/limit that are not integers from 1 to 2^53 − 1 reject INVALID at once, saying so', async () => {
    const server = new MemoryFoonyBinary();
    const client = server.client();
    const errors: string[] = [];
    client.on('error', (error: PolySocketError) => errors.push(error.code));
    await client.connect();
    const channel = client.channel('room');
    for (const [options, says] of [
      [{ before: UNSAFE }, 'before must be an integer from 1'],
      [{ before: -1 }, 'before must be an integer from 1'],
      [{ before: 1.5 }, 'before must be an integer from 1'],
      [{ limit: UNSAFE }, 'limit must be'],
      [{ limit: Number.NaN }, 'limit must be'],
      [{ start: 'x' }, "this wire's cursor is before (a serial)"],
    ] as const) {
      const settled = channel.history(options).then(
        () => 'resolved',
        (error: PolySocketError) => `${error.code} ${error.message}`,
      );
      await vi.advanceTimersByTimeAsync(0);
      const outcome = await settled;
      expect(outcome).toContain('INVALID history: ');
      expect(outcome).toContain(says);
      if (says !== "this wire's cursor is before (a serial)") expect(outcome).toContain('Number.MAX_SAFE_INTEGER');
    }
    expect(server.received.filter((f) => f.t === 'hist')).toEqual([]);
    expect(errors).toEqual([]);
    // The largest safe serial is still a cursor.
    await expect(channel.history({ before: Number.MAX_SAFE_INTEGER })).resolves.toMatchObject({ messages: [] });
    client.close();
  });

  it('seed wire: an unsafe limit rejects INVALID without a hist frame', async () => {
    const server = new MemoryFoony();
    const client = server.client();
    await client.connect();
    const channel = client.channel('room');
    await expect(channel.history({ limit: UNSAFE })).rejects.toMatchObject({
      code: 'INVALID',
      message: expect.stringContaining('limit must be an integer from 1') as unknown,
    });
    await expect(channel.history({ before: 3 })).rejects.toThrow("this wire's cursor is start (a messageId string)");
    expect(server.framesOf('room', 'hist')).toEqual([]);
    client.close();
  });
});
