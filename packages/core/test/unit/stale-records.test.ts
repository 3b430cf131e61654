import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionState, TransportData } from '@polysocket/core';
import { echoProtocol, type EchoIn } from '../helpers/echo-protocol';
import { harness } from '../helpers/client';
import { advance } from '../helpers/flush';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** The echo protocol, but a JSON array is one transport message holding several frames (a bundle of records). */
function bundling(onFrame: (frame: EchoIn) => void) {
  const base = echoProtocol({ onFrame });
  return {
    ...base,
    decode(data: TransportData, emit: (frame: EchoIn) => void) {
      const parsed: unknown = JSON.parse(String(data));
      if (!Array.isArray(parsed)) return base.decode(data, emit);
      for (const frame of parsed as EchoIn[]) emit(frame);
    },
  };
}

describe('the frames left in a message of a link that is no longer current', () => {
  it('are dropped: close() + connect() from a frame listener does not feed them to the next attempt', async () => {
    const frames: EchoIn[] = [];
    let reconnected: Promise<void> | undefined;
    const { client, echo, states, errors } = harness({
      connection: {
        protocol: bundling((frame) => {
          frames.push(frame);
          if (frames.length === 1) {
            client.close();
            reconnected = client.connect();
          }
        }),
      },
    });
    void client.connect();
    await advance(0);
    expect(client.state).toBe('connected');
    const first = echo.server.last!;
    echo.sendTo(first, [
      { t: 'msg', body: 1 },
      { t: 'msg', body: 2 },
      { t: 'msg', body: 3 },
    ] as unknown as EchoIn);
    await advance(0);
    let settled = '';
    reconnected!.then(
      () => (settled = 'resolved'),
      () => (settled = 'rejected'),
    );
    await advance(0);
    expect(errors).toEqual([]);
    expect(frames).toEqual([{ t: 'msg', body: 1 }]);
    expect(settled).toBe('resolved');
    // Straight back: no failed attempt, no backoff.
    expect(states.slice(-3)).toEqual<ConnectionState[]>(['closed', 'connecting', 'connected']);
    expect(echo.server.peers).toHaveLength(2);
    client.close();
  });

  it('are dropped when they came with the handshake reply: a listener of the first closes and reconnects', async () => {
    const frames: EchoIn[] = [];
    let reconnected: Promise<void> | undefined;
    const base = echoProtocol({
      onFrame(frame) {
        frames.push(frame);
        if (frames.length === 1) {
          client.close();
          reconnected = client.connect();
        }
      },
    });
    let bundled = false;
    // The first `welcome` comes with two records after it in the same message, read before the handshake ends.
    const protocol = {
      ...base,
      decode(data: TransportData, emit: (frame: EchoIn) => void) {
        base.decode(data, (frame) => {
          emit(frame);
          if (frame.t !== 'welcome' || bundled) return;
          bundled = true;
          emit({ t: 'msg', body: 1 });
          emit({ t: 'msg', body: 2 });
        });
      },
    };
    const { client, states, errors } = harness({ connection: { protocol } });
    // Closed before it was connected: the first connect() rejects CLOSED.
    const first = expect(client.connect()).rejects.toMatchObject({ code: 'CLOSED' });
    await advance(0);
    await advance(0);
    await first;
    expect(errors).toEqual([]);
    expect(frames).toEqual([{ t: 'msg', body: 1 }]);
    await expect(reconnected).resolves.toBeUndefined();
    expect(states.slice(-3)).toEqual<ConnectionState[]>(['closed', 'connecting', 'connected']);
    client.close();
  });
});
