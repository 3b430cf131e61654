import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryServer } from '@polysocket/core';
import { FoonyClient } from '@polysocket/foony';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Foony: close() while authCallback is pending', () => {
  it('leaves no timer (the 10 s authCallback deadline is released with the attempt)', async () => {
    const server = new MemoryServer();
    let called = 0;
    const client = new FoonyClient({
      url: 'ws://memory/foony',
      transport: server.transport,
      browser: { network: null, document: null },
      authCallback: () => {
        called++;
        return new Promise<string>(() => undefined); // never settles
      },
    });
    const connecting = client.connect().catch((error: unknown) => error);
    for (let i = 0; i < 50 && called === 0; i++) await Promise.resolve();
    expect(called).toBe(1);
    client.close();
    await connecting;
    expect(vi.getTimerCount()).toBe(0);
    expect(client.state).toBe('closed');
  });
});
