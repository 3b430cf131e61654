import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionState, DisconnectEvent } from '@polysocket/core';
import { harness, type Harness } from '../helpers/client';
import { advance, flush } from '../helpers/flush';

// Issue 14, items 1 and 2: calls made from inside the client's own listeners. Each of these failed on the
// code before the lifecycle was made "settle first, then tell" (the client reconnected after a close made
// in a listener, or emitted `connected` after `closed`, or two `disconnected` for one drop).

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function connected(options: Parameters<typeof harness>[0] = {}): Promise<Harness> {
  const h = harness(options);
  await h.client.connect();
  return h;
}

/** After `close()`: nothing scheduled, no socket opened later, state `closed`. */
async function expectStaysClosed(h: Harness): Promise<void> {
  const attempts = h.echo.server.attempts;
  expect(h.client.state).toBe('closed');
  expect(vi.getTimerCount()).toBe(0);
  await advance(120_000);
  expect(h.client.state).toBe('closed');
  expect(h.echo.server.attempts).toBe(attempts);
  expect(h.echo.server.open).toHaveLength(0);
}

describe('close() wins from inside every listener', () => {
  it('from a disconnected listener during a drop', async () => {
    const h = await connected();
    h.client.on('disconnected', () => h.client.close());
    h.echo.server.last!.drop();
    await flush();
    await expectStaysClosed(h);
  });

  it('from a reconnecting listener during a drop', async () => {
    const h = await connected();
    h.client.on('reconnecting', () => h.client.close());
    h.echo.server.last!.drop();
    await flush();
    await expectStaysClosed(h);
  });

  it('from a state listener as the client starts reconnecting', async () => {
    const h = await connected();
    h.client.on('state', (state) => {
      if (state === 'reconnecting') h.client.close();
    });
    h.echo.server.last!.drop();
    await flush();
    await expectStaysClosed(h);
    expect(h.states).toEqual(['connecting', 'connected', 'reconnecting', 'closed']);
  });

  it('from an error listener on a connect timeout', async () => {
    const h = harness({ server: { ignoreHello: true }, connection: { connectTimeoutMs: 2000 } });
    h.client.on('error', () => h.client.close());
    const rejected = expect(h.client.connect()).rejects.toMatchObject({ code: 'CLOSED' });
    await advance(2000);
    await rejected;
    expect(h.echo.server.attempts).toBe(1);
    await expectStaysClosed(h);
  });

  it('from an error listener on a refused attempt', async () => {
    const h = harness();
    h.echo.server.refuse = true;
    h.client.on('error', () => h.client.close());
    const ready = h.client.connect();
    await flush();
    await expect(ready).rejects.toMatchObject({ code: 'CLOSED' });
    await expectStaysClosed(h);
  });

  it('from a state listener as an attempt starts: no transport is opened', async () => {
    const h = await connected();
    h.client.on('state', (state) => {
      if (state === 'connecting') h.client.close();
    });
    h.echo.server.last!.drop();
    await flush();
    await advance(550);
    expect(h.echo.server.attempts).toBe(1);
    await expectStaysClosed(h);
  });

  it('from a connected state listener: no `connected` event after the state is closed, and connect() rejects', async () => {
    const h = harness();
    const connectedEvents: unknown[] = [];
    h.client.on('connected', (info) => connectedEvents.push(info));
    h.client.on('state', (state) => {
      if (state === 'connected') h.client.close();
    });
    await expect(h.client.connect()).rejects.toMatchObject({ code: 'CLOSED' });
    expect(connectedEvents).toEqual([]);
    await expectStaysClosed(h);
  });

  it('from a connected event listener: connect() rejects CLOSED and the state agrees', async () => {
    const h = harness();
    h.client.on('connected', () => h.client.close());
    await expect(h.client.connect()).rejects.toMatchObject({ code: 'CLOSED' });
    await expectStaysClosed(h);
  });
});

describe('re-entrant calls agree with the state', () => {
  it('every listener hears the same chain of states, whichever listener changed it', async () => {
    const h = await connected();
    const later: [string, string][] = [];
    h.client.on('state', (state) => {
      if (state === 'reconnecting') h.client.close();
    });
    h.client.on('state', (state, previous) => later.push([previous, state]));
    h.echo.server.last!.drop();
    await flush();
    expect(later).toEqual([
      ['connected', 'reconnecting'],
      ['reconnecting', 'closed'],
    ]);
    await expectStaysClosed(h);
  });

  it('connect() from a closed listener connects, and its promise resolves', async () => {
    const h = await connected();
    let again: Promise<void> | undefined;
    h.client.on('state', (state) => {
      if (state === 'closed' && !again) again = h.client.connect();
    });
    h.client.close();
    await flush();
    await expect(again).resolves.toBeUndefined();
    expect(h.client.state).toBe('connected');
    expect(h.echo.server.open).toHaveLength(1);
    h.client.close();
  });

  it('a send made in a closed listener that reconnects belongs to the new session', async () => {
    const h = await connected();
    let sent: Promise<boolean> | undefined;
    h.client.on('state', (state) => {
      if (state === 'closed' && !sent) {
        void h.client.connect();
        sent = h.client.send({ t: 'msg', body: 'after reopening' });
      }
    });
    h.client.close();
    await flush();
    await expect(sent).resolves.toBe(true);
    expect(h.echo.frames()).toContainEqual({ t: 'msg', body: 'after reopening' });
    h.client.close();
  });

  it('one drop gives one disconnected event, also when maxAttempts is exhausted by it', async () => {
    const h = await connected({ connection: { maxAttempts: 0 } });
    const events: DisconnectEvent[] = [];
    h.client.on('disconnected', (event) => events.push(event));
    h.echo.server.last!.drop();
    await flush();
    expect(h.client.state).toBe('failed');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ willReconnect: false, error: expect.objectContaining({ code: 'DISCONNECTED' }) });
  });

  it('a close made from the adapter onState hook (a Socket.IO namespace `disconnect` listener) is not undone', async () => {
    const seen: ConnectionState[] = [];
    let closeOnReconnecting = false;
    const h = harness({
      protocol: {
        onState: (state) => {
          if (state === 'reconnecting' && closeOnReconnecting) h.client.close();
        },
      },
    });
    await h.client.connect();
    h.client.on('state', (state) => seen.push(state));
    closeOnReconnecting = true;
    h.echo.server.last!.drop();
    await flush();
    // Every listener hears the same chain: the change under way, then the close made during it.
    expect(seen).toEqual(['reconnecting', 'closed']);
    await expectStaysClosed(h);
  });
});
