import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChannelState } from '@polysocket/foony';
import { MemoryFoony } from '../helpers/memory-foony';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const BACKOFF = { initialDelayMs: 100, minDelayMs: 100, maxDelayMs: 100 };

/** The `pres` frames the server got since its last `auth` (the current connection), as `action:data`. */
function presSinceAuth(server: MemoryFoony): string[] {
  const start = server.received.map((f) => f.t).lastIndexOf('auth');
  return server.received
    .slice(start)
    .filter((f) => f.t === 'pres')
    .map((f) => `${f.action}:${JSON.stringify(f.data)}`);
}

describe('presence: update() before enter(), and an update made while reconnecting', () => {
  it('update() of a client that is not present enters it (watchers get an enter, not an orphan update)', async () => {
    const server = new MemoryFoony();
    const client = server.client();
    await client.connect();
    const presence = client.channel('room').presence;
    await presence.update({ u: 0 });
    expect(presSinceAuth(server)).toEqual(['enter:{"u":0}']);
    expect(presence.isPresent).toBe(true);
    await presence.update({ u: 1 });
    expect(presSinceAuth(server)).toEqual(['enter:{"u":0}', 'update:{"u":1}']);
    await presence.leave();
    await presence.update({ u: 2 });
    expect(presSinceAuth(server).slice(-1)).toEqual(['enter:{"u":2}']);
    client.close();
  });

  it('an update made while reconnecting is written once after the reconnect (not re-entered and then updated)', async () => {
    const server = new MemoryFoony();
    const client = server.client({ backoff: BACKOFF, random: () => 0.5 });
    await client.connect();
    const presence = client.channel('room').presence;
    await presence.enter({ s: 1 });
    server.drop();
    await vi.advanceTimersByTimeAsync(0);
    expect(client.state).toBe('reconnecting');
    const updated = presence.update({ s: 3 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(client.state).toBe('connected');
    await updated;
    expect(presSinceAuth(server)).toEqual(['enter:{"s":3}']);
    expect(server.ownPresence('room')).toEqual({ data: { s: 3 } });
    // The next drop re-enters with it, as usual.
    server.drop();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(presSinceAuth(server)).toEqual(['enter:{"s":3}']);
    client.close();
  });
});

describe('channel state after close()', () => {
  it('is detached (the intent kept), and attached again after the next connect()', async () => {
    const server = new MemoryFoony();
    const client = server.client();
    await client.connect();
    const channel = client.channel('room');
    const states: ChannelState[] = [];
    channel.on('state', (state) => states.push(state));
    channel.subscribe(() => undefined);
    await vi.advanceTimersByTimeAsync(0);
    expect(channel.state).toBe('attached');
    client.close();
    expect(channel.state).toBe('detached');
    expect(states).toEqual(['attaching', 'attached', 'detached']);
    await client.connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(channel.state).toBe('attached');
    expect(server.subscribed.has('room')).toBe(true);
    client.close();
  });

  it('a channel waiting for its subscribe when the client closes is detached too', async () => {
    const server = new MemoryFoony();
    server.failSubs.set('room', [42900]);
    const client = server.client({ random: () => 0.5 });
    client.on('error', () => undefined);
    await client.connect();
    const channel = client.channel('room');
    channel.on('error', () => undefined);
    channel.attach();
    await vi.advanceTimersByTimeAsync(0);
    expect(channel.state).toBe('retrying');
    client.close();
    expect(channel.state).toBe('detached');
    expect(vi.getTimerCount()).toBe(0);
  });
});
