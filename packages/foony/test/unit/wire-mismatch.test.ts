import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryServer, type PolySocketError, type TransportData } from '@polysocket/core';
import { FoonyClient, foonySeedWire, type FoonyClientOptions } from '@polysocket/foony';
import { encodeServerFrame, frameBinaryRecord } from '../../../../node_modules/@foony/realtime/lib/binary.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A server that answers every message with `answer`, counting connections. */
function edge(answer: TransportData): { server: MemoryServer; connections: () => number } {
  const server = new MemoryServer();
  let connections = 0;
  server.onConnection = (peer) => {
    connections++;
    peer.onMessage = () => peer.send(answer);
  };
  return { server, connections: () => connections };
}

async function failedAgainst(
  answer: TransportData,
  options: Partial<FoonyClientOptions>,
): Promise<{ error: PolySocketError; client: FoonyClient; connections: number }> {
  const { server, connections } = edge(answer);
  const client = new FoonyClient({
    url: 'ws://memory/foony',
    token: 'secret-token-123',
    transport: server.transport,
    browser: { network: null, document: null },
    ...options,
  } as FoonyClientOptions);
  const connected = client.connect().then(
    () => undefined,
    (error: PolySocketError) => error,
  );
  await vi.advanceTimersByTimeAsync(120_000); // long enough for many retries, were there any
  const error = await connected;
  expect(error).toBeDefined();
  return { error: error!, client, connections: connections() };
}

describe('Foony: a server of the other wire fails the client instead of reconnecting forever', () => {
  it('a binary auth (the default wire) answered by a JSON text frame (a seed-only server): failed, PROTOCOL, says to pass foonySeedWire', async () => {
    const { error, client, connections } = await failedAgainst(
      JSON.stringify({ t: 'err', code: 40001, message: 'bad frame' }),
      {},
    );
    expect(error).toMatchObject({ code: 'PROTOCOL', retryable: false });
    expect(error.message).toContain('pass wire: foonySeedWire');
    expect(client.state).toBe('failed');
    expect(connections).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a seed auth answered by binary records (a current service): failed, PROTOCOL, says to drop foonySeedWire', async () => {
    const connected = frameBinaryRecord(
      encodeServerFrame({ t: 'connected', connectionId: 'c1', keepAliveMs: 15_000, clientId: 'me' }),
    );
    const { error, client, connections } = await failedAgainst(connected, { wire: foonySeedWire });
    expect(error).toMatchObject({ code: 'PROTOCOL', retryable: false });
    expect(error.message).toBe('this server speaks binary records (the current Foony wire): drop wire: foonySeedWire');
    expect(client.state).toBe('failed');
    expect(connections).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a server err of code 0 in the handshake is a server error like any other, retried (not taken for the other wire)', async () => {
    const refusal = frameBinaryRecord(encodeServerFrame({ t: 'err', code: 0, message: 'try later' }));
    const { server, connections } = edge(refusal);
    const client = new FoonyClient({
      url: 'ws://memory/foony',
      token: 'secret-token-123',
      transport: server.transport,
      browser: { network: null, document: null },
      connectWaitMs: 0,
    } as FoonyClientOptions);
    void client.connect().catch(() => undefined);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(connections()).toBeGreaterThan(1);
    expect(client.state).not.toBe('failed');
    client.close();
  });
});
