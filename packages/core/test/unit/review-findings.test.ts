import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PolySocketError, Transport, TransportListener } from '@polysocket/core';
import { clientPingHeartbeat } from '../helpers/echo-protocol';
import { harness } from '../helpers/client';
import { advance, flush } from '../helpers/flush';

// Found by the fresh-eyes review of issue 14's work (each failed before its fix).

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Opens, then closes with `code`/`reason` before the handshake is answered; writes throw once it is closing. */
function closingTransport(code: number, reason: string, opened: { count: number }): () => Transport {
  return () => {
    let closing = false;
    return {
      name: 'closing',
      bufferedAmount: 0,
      open(listener: TransportListener) {
        opened.count++;
        queueMicrotask(() => {
          closing = true; // the server's close frame arrived: the socket no longer takes writes
          listener.onOpen();
          setTimeout(() => listener.onClose({ code, reason, wasClean: true }), 0);
        });
      },
      send() {
        if (closing) throw new Error('WebSocket is not open: readyState 2 (CLOSING)');
      },
      close() {},
    };
  };
}

describe('failed attempts that opened, then closed, say why', () => {
  it('the close code and reason, not the write that found the link closing (was a PROTOCOL "WebSocket is not open")', async () => {
    const opened = { count: 0 };
    const { client, errors } = harness({
      connection: { transport: closingTransport(4500, 'backend overloaded', opened) },
    });
    void client.connect().catch(() => undefined);
    await advance(1);
    await advance(550);
    expect(opened.count).toBe(2);
    expect(errors).toHaveLength(2);
    for (const error of errors as PolySocketError[]) {
      expect(error).toMatchObject({
        code: 'DISCONNECTED',
        backendCode: 4500,
        message: expect.stringContaining('4500 backend overloaded'),
      });
    }
    client.close();
  });

  it('an attempt the server closes while the handshake waits is an error event too (was: none)', async () => {
    const { client, echo, errors } = harness({ server: { ignoreHello: true } });
    echo.server.onConnection = (peer) => {
      peer.onMessage = () => peer.close(4500, 'backend overloaded');
    };
    void client.connect().catch(() => undefined);
    await flush();
    expect(client.state).toBe('reconnecting');
    expect(errors).toEqual([expect.objectContaining({ code: 'DISCONNECTED', backendCode: 4500 })]);
    client.close();
  });
});

describe('wake-ups and page events cannot flood', () => {
  it('300 visibility wake-ups while connected send one probe', async () => {
    const document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    const { client, echo } = harness({
      protocol: { heartbeat: clientPingHeartbeat(60_000, 5_000) },
      server: { ignorePings: true },
      connection: { browser: { network: null, document } },
    });
    await client.connect();
    for (let i = 0; i < 300; i++) document.dispatchEvent(new Event('visibilitychange'));
    await flush();
    expect(echo.frames().filter((f) => f.t === 'ping')).toHaveLength(1);
    client.close();
  });

  it('pageshow events without a pagehide before them respect the backoff', async () => {
    const window = new EventTarget();
    const { client, echo } = harness({ connection: { browser: { network: window, document: null } } });
    echo.server.refuse = true;
    void client.connect().catch(() => undefined);
    await flush();
    const before = echo.server.attempts;
    for (let t = 0; t < 2000; t += 20) {
      window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
      await advance(20);
    }
    expect(echo.server.attempts - before).toBe(2); // the backoff's own retries at 550 and 1600 ms
    client.close();
  });
});

describe('options people pass', () => {
  it('connectTimeoutMs: 0 means no per-attempt limit (was: every attempt timed out at once)', async () => {
    const { client, errors } = harness({
      server: { ignoreHello: true },
      connection: { connectTimeoutMs: 0, connectWaitMs: Infinity },
    });
    void client.connect().catch(() => undefined);
    await advance(60_000);
    expect(client.state).toBe('connecting');
    expect(errors).toEqual([]);
    client.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
