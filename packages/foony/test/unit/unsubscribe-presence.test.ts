import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { foonyPresence } from '@polysocket/foony';
import { MemoryFoony } from '../helpers/memory-foony';
import { MemoryFoonyBinary } from '../helpers/memory-binary';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** `unsub` does not end a presence on the server (on neither wire): `unsubscribe()` must write the `leave` itself. */
describe('unsubscribe() of a channel this client is present on', () => {
  it('seed wire: writes a presence leave before the unsub, and close() writes none after it', async () => {
    const server = new MemoryFoony();
    const client = server.client();
    await client.connect();
    const channel = client.channel('room');
    await channel.presence.enter({ s: 1 });
    expect(server.ownPresence('room')).toEqual({ data: { s: 1 } });

    await channel.unsubscribe();
    expect(server.ownPresence('room')).toBeUndefined();
    const after = server.framesOf('room').map((f) => (f.t === 'pres' ? `pres:${f.action}` : f.t));
    expect(after).toEqual(['sub', 'pres:enter', 'pres:leave', 'unsub']);
    expect(channel.presence.isPresent).toBe(false);

    client.close();
    expect(server.framesOf('room', 'pres')).toHaveLength(2);
  });

  it('binary wire: writes a presence leave before the unsub', async () => {
    const server = new MemoryFoonyBinary();
    const client = server.client({ presence: foonyPresence });
    await client.connect();
    const channel = client.channel('room');
    await channel.presence.enter({ s: 1 });
    await channel.unsubscribe();
    const frames = server.received
      .filter((f) => f.channel === 'room')
      .map((f) => (f.t === 'pres' ? `pres:${String(f.action)}` : String(f.t)));
    expect(frames.slice(-2)).toEqual(['pres:leave', 'unsub']);
    client.close();
  });

  it('while reconnecting: resolves at once, quietly, and the leave goes out after the reconnect (no re-entry)', async () => {
    const server = new MemoryFoony();
    const client = server.client({ backoff: { initialDelayMs: 100, minDelayMs: 100, maxDelayMs: 100 } });
    const errors: string[] = [];
    client.on('error', (error) => errors.push(error.code));
    await client.connect();
    const channel = client.channel('room');
    await channel.presence.enter({ s: 1 });
    server.drop();
    await vi.advanceTimersByTimeAsync(0);
    expect(client.state).toBe('reconnecting');
    let resolved = false;
    void channel.unsubscribe().then(() => (resolved = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(resolved).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(client.state).toBe('connected');
    const start = server.received.map((f) => f.t).lastIndexOf('auth');
    const after = server.received.slice(start).filter((f) => f.channel === 'room');
    expect(after.map((f) => `${f.t}:${f.action ?? ''}`)).toEqual(['pres:leave']);
    expect(errors).toEqual([]);
    client.close();
  });

  it('sends no leave for a channel this client never entered', async () => {
    const server = new MemoryFoony();
    const client = server.client();
    await client.connect();
    const channel = client.channel('room');
    channel.attach();
    await vi.advanceTimersByTimeAsync(0);
    await channel.unsubscribe();
    expect(server.framesOf('room', 'pres')).toEqual([]);
    client.close();
  });
});
