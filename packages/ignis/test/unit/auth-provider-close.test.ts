import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryServer } from '@polysocket/core';
import { IgnisClient } from '@polysocket/ignis';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Ignis: close() while authProvider is pending', () => {
  it('leaves no timer (the 5 s authProvider deadline is released with the attempt)', async () => {
    const server = new MemoryServer();
    let called = 0;
    const client = new IgnisClient({
      url: 'ws://memory/ignis',
      transport: server.transport,
      browser: { network: null, document: null },
      authProvider: () => {
        called++;
        return new Promise(() => undefined); // never settles
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
