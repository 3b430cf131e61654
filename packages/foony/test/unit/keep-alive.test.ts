import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryServer } from '@polysocket/core';
import { FoonyClient, foonySeedWire, keepAliveInterval } from '@polysocket/foony';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** An edge announcing `keepAliveMs` (raw JSON text, any value), answering pings; counts the pings it gets. */
function edge(keepAliveMs: string) {
  const server = new MemoryServer();
  const counts = { pings: 0 };
  server.onConnection = (peer) => {
    peer.onMessage = (data) => {
      const frame = JSON.parse(String(data)) as { t: string };
      if (frame.t === 'auth')
        peer.send(`{"t":"connected","connectionId":"c1","clientId":"me","keepAliveMs":${keepAliveMs}}`);
      if (frame.t === 'ping') {
        counts.pings++;
        peer.send('{"t":"pong"}');
      }
    };
  };
  return { server, counts };
}

async function pingsOver(
  keepAliveMs: string,
  windowMs: number,
): Promise<{ pings: number; session: number | undefined; state: string }> {
  const { server, counts } = edge(keepAliveMs);
  const client = new FoonyClient({
    url: 'ws://memory/foony',
    token: 'secret-token-123',
    transport: server.transport,
    browser: { network: null, document: null },
    // The keep-alive is read from a JSON `connected` frame (1e400, strings).
    wire: foonySeedWire,
  });
  await client.connect();
  await vi.advanceTimersByTimeAsync(windowMs);
  const result = { pings: counts.pings, session: client.session?.keepAliveMs, state: client.state };
  client.close();
  expect(vi.getTimerCount()).toBe(0);
  return result;
}

describe('Foony keep-alive from the server’s connected frame is clamped', () => {
  it('0.5 ms (Node would fire every 1 ms) is raised to 250 ms: at most 4 pings a second', async () => {
    expect(await pingsOver('0.5', 10_000)).toEqual({ pings: 40, session: 250, state: 'connected' });
  });

  it('2^31 ms (past the timer range) is lowered to 10 minutes', async () => {
    expect(await pingsOver(String(2 ** 31), 30 * 60_000)).toEqual({ pings: 3, session: 600_000, state: 'connected' });
  });

  it('1e400 (Infinity once parsed) and non-numbers fall back to 15 s, and the session still opens', async () => {
    expect(await pingsOver('1e400', 60_000)).toMatchObject({ pings: 4, session: 15_000, state: 'connected' });
    expect(await pingsOver('"fast"', 60_000)).toMatchObject({ pings: 4, session: 15_000, state: 'connected' });
    expect(await pingsOver('null', 60_000)).toMatchObject({ pings: 4, session: 15_000, state: 'connected' });
  });

  it('0 and negative values still mean no keep-alive, as in the official client', async () => {
    expect(await pingsOver('0', 60_000)).toEqual({ pings: 0, session: 0, state: 'connected' });
    expect(await pingsOver('-1', 60_000)).toEqual({ pings: 0, session: 0, state: 'connected' });
  });

  it('in-range values are used as announced', () => {
    expect(keepAliveInterval(15_000)).toBe(15_000);
    expect(keepAliveInterval(250)).toBe(250);
    expect(keepAliveInterval(600_000)).toBe(600_000);
  });
});
