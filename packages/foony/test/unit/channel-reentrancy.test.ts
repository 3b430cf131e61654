import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FoonyChannel, FoonyClient } from '@polysocket/foony';
import { MemoryFoony, settle } from '../helpers/memory-foony';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Lets retries, reconnects and their answers run (fake timers), then the microtasks behind them. */
async function runFor(ms = 60_000): Promise<void> {
  await settle();
  await vi.advanceTimersByTimeAsync(ms);
  await settle();
}

interface World {
  server: MemoryFoony;
  client: FoonyClient;
  channel: FoonyChannel;
}

/** Each trigger sets up a channel listener that calls `fire()` (once) and makes its event happen. */
const TRIGGERS: Record<string, (world: World, fire: () => void) => Promise<void>> = {
  'state attaching (subscribe)': async ({ channel }, fire) => {
    channel.on('state', (state) => state === 'attaching' && fire());
    channel.subscribe(() => undefined);
  },
  'state attached': async ({ channel }, fire) => {
    channel.on('state', (state) => state === 'attached' && fire());
    channel.subscribe(() => undefined);
  },
  'state retrying': async ({ server, channel }, fire) => {
    server.failSubs.set(channel.name, [42900]);
    channel.on('state', (state) => state === 'retrying' && fire());
    channel.subscribe(() => undefined);
  },
  'state failed': async ({ server, channel }, fire) => {
    server.failSubs.set(channel.name, [40300]);
    channel.on('state', (state) => state === 'failed' && fire());
    channel.subscribe(() => undefined);
  },
  'error (retried)': async ({ server, channel }, fire) => {
    server.failSubs.set(channel.name, [50000]);
    channel.on('error', fire);
    channel.subscribe(() => undefined);
  },
  'error (final)': async ({ server, channel }, fire) => {
    server.failSubs.set(channel.name, [40300]);
    channel.on('error', fire);
    channel.subscribe(() => undefined);
  },
  'state detached (unsubscribe)': async ({ channel }, fire) => {
    channel.subscribe(() => undefined);
    await settle();
    channel.on('state', (state) => state === 'detached' && fire());
    void channel.unsubscribe().catch(() => undefined);
  },
  'state attaching (link down)': async ({ server, channel }, fire) => {
    channel.subscribe(() => undefined);
    await settle();
    channel.on('state', (state) => state === 'attaching' && fire());
    server.drop();
  },
  'state attached (restore)': async ({ server, channel }, fire) => {
    channel.subscribe(() => undefined);
    await settle();
    channel.on('state', (state) => state === 'attached' && fire());
    server.drop();
  },
  'state retrying (restore)': async ({ server, channel }, fire) => {
    channel.subscribe(() => undefined);
    await settle();
    server.failSubs.set(channel.name, [42900]);
    channel.on('state', (state) => state === 'retrying' && fire());
    server.drop();
  },
  message: async ({ server, channel }, fire) => {
    channel.subscribe(fire);
    await settle();
    server.publish(channel.name, 'n', 1);
  },
  'presence enter event': async ({ server, channel }, fire) => {
    channel.subscribe(() => undefined);
    await settle();
    channel.presence.on('enter', fire);
    server.otherEnters(channel.name, { other: true });
  },
  'presence set adopted at attach': async ({ server, channel }, fire) => {
    server.otherEnters(channel.name, { other: true });
    channel.presence.on('change', fire);
    channel.subscribe(() => undefined);
  },
};

interface Outcome {
  /** What the channel and the server must agree on once everything settled. */
  subscribed: boolean;
  check?: () => Promise<void>;
}

/** What a listener does, and what must hold afterwards. */
const ACTIONS: Record<string, (world: World) => Outcome> = {
  unsubscribe: ({ channel }) => {
    const done = channel.unsubscribe();
    return { subscribed: false, check: () => done };
  },
  'unsubscribe then subscribe': ({ channel }) => {
    const done = channel.unsubscribe();
    channel.subscribe(() => undefined);
    return { subscribed: true, check: () => done };
  },
  subscribe: ({ channel }) => {
    channel.subscribe(() => undefined);
    return { subscribed: true };
  },
  publish: ({ server, channel }) => {
    channel.subscribe(() => undefined);
    const published = channel.publish('from-listener', 1);
    return {
      subscribed: true,
      check: async () => {
        await published;
        expect(server.framesOf(channel.name, 'pub')).toHaveLength(1);
      },
    };
  },
  'presence.enter': ({ server, channel }) => {
    const entered = channel.presence.enter({ me: 1 });
    return {
      subscribed: true,
      check: async () => {
        await entered;
        expect(channel.presence.isPresent).toBe(true);
        expect(server.ownPresence(channel.name)).toEqual({ data: { me: 1 } });
      },
    };
  },
};

describe('Foony channel: calls from inside channel listeners leave it coherent with the server', () => {
  for (const [trigger, arrange] of Object.entries(TRIGGERS)) {
    for (const [action, act] of Object.entries(ACTIONS)) {
      it(`${action} from ${trigger}`, async () => {
        const server = new MemoryFoony();
        const client = server.client();
        await client.connect();
        const world: World = { server, client, channel: client.channel('room') };
        let fired = false;
        let outcome: Outcome | undefined;
        await arrange(world, () => {
          if (fired) return;
          fired = true;
          outcome = act(world);
        });
        await runFor();
        expect(outcome, 'the trigger fired').toBeDefined();
        await outcome!.check?.();
        const { channel } = world;
        expect(client.state).toBe('connected');
        expect({ state: channel.state, onServer: server.subscribed.has('room') }).toEqual(
          outcome!.subscribed ? { state: 'attached', onServer: true } : { state: 'detached', onServer: false },
        );
        // And the channel still works: subscribing (again) attaches it, and messages arrive.
        const got: unknown[] = [];
        channel.subscribe((message) => got.push(message.data));
        await runFor(1000);
        server.publish('room', 'after', 42);
        await settle();
        expect(channel.state).toBe('attached');
        expect(server.subscribed.has('room')).toBe(true);
        expect(got).toEqual([42]);
        client.close();
        expect(vi.getTimerCount()).toBe(0);
      });
    }
  }

  it('unsubscribe() from a message listener: the message reaches no other listener, later ones are not delivered', async () => {
    const server = new MemoryFoony();
    const client = server.client();
    await client.connect();
    const channel = client.channel('room');
    const got: string[] = [];
    channel.subscribe(() => {
      got.push('first');
      void channel.unsubscribe();
    });
    channel.subscribe(() => got.push('second'));
    channel.subscribe('n', () => got.push('named'));
    await settle();
    server.publish('room', 'n', 1);
    await settle();
    server.publish('room', 'n', 2);
    await settle();
    expect(got).toEqual(['first']);
    expect(server.subscribed.has('room')).toBe(false);
    client.close();
  });

  it('a listener removed by an earlier listener of the same message is skipped (in either list)', async () => {
    const server = new MemoryFoony();
    const client = server.client();
    await client.connect();
    const channel = client.channel('room');
    const got: string[] = [];
    const offs: (() => void)[] = [];
    channel.subscribe((message) => {
      got.push(`first ${String(message.data)}`);
      for (const off of offs) off();
    });
    offs.push(channel.subscribe(() => got.push('second')));
    offs.push(channel.subscribe('n', () => got.push('named')));
    // Only named listeners: the first of them runs, and removes the one after it.
    const other = client.channel('other');
    other.subscribe('n', () => {
      got.push('other first');
      offOther();
    });
    const offOther = other.subscribe('n', () => got.push('other second'));
    await settle();
    server.publish('room', 'n', 1);
    server.publish('other', 'n', 1);
    await settle();
    expect(got).toEqual(['first 1', 'other first']);
    client.close();
  });

  it('a listener added from a message listener gets the next message, not the one being delivered', async () => {
    const server = new MemoryFoony();
    const client = server.client();
    await client.connect();
    const channel = client.channel('room');
    const got: string[] = [];
    let added = false;
    channel.subscribe((message) => {
      got.push(`first ${String(message.data)}`);
      if (!added) channel.subscribe((later) => got.push(`added ${String(later.data)}`));
      added = true;
    });
    await settle();
    server.publish('room', 'n', 1);
    await settle();
    server.publish('room', 'n', 2);
    await settle();
    expect(got).toEqual(['first 1', 'first 2', 'added 2']);
    client.close();
  });

  it('unsubscribe() from a presence listener during the adopted set: no further presence events', async () => {
    const server = new MemoryFoony();
    server.otherEnters('room', 1);
    const client = server.client();
    await client.connect();
    const channel = client.channel('room');
    const seen: string[] = [];
    channel.presence.on('enter', () => {
      seen.push('enter');
      void channel.unsubscribe();
    });
    channel.presence.on('change', () => seen.push('change'));
    channel.subscribe(() => undefined);
    await settle();
    expect(seen).toEqual(['enter']);
    expect(channel.state).toBe('detached');
    expect(channel.presence.members().size).toBe(0);
    client.close();
  });

  it('presence.enter() from a state listener while a re-entry is retried: the newest data wins', async () => {
    const server = new MemoryFoony();
    const client = server.client();
    await client.connect();
    const channel = client.channel('room');
    await channel.presence.enter({ v: 1 });
    await settle();
    let once = false;
    channel.on('state', (state, previous) => {
      // The retry's subscribe, which re-enters with the data it read before this listener ran.
      if (state === 'attaching' && previous === 'retrying' && !once) {
        once = true;
        void channel.presence.enter({ v: 2 });
      }
    });
    server.failSubs.set('room', [42900]);
    server.drop();
    await runFor();
    expect(server.ownPresence('room')).toEqual({ data: { v: 2 } });
    expect(channel.presence.ownEntry).toEqual({ data: { v: 2 } });
    client.close();
  });

  it('presence.enter() whose own attaching listener unsubscribes: nothing is entered, it rejects ABORTED', async () => {
    const server = new MemoryFoony();
    const client = server.client();
    await client.connect();
    const channel = client.channel('room');
    channel.once('state', () => void channel.unsubscribe());
    await expect(channel.presence.enter({ a: 1 })).rejects.toMatchObject({ code: 'ABORTED' });
    await runFor();
    expect(channel.presence.isPresent).toBe(false);
    expect(server.ownPresence('room')).toBeUndefined();
    expect({ state: channel.state, onServer: server.subscribed.has('room') }).toEqual({
      state: 'detached',
      onServer: false,
    });
    client.close();
  });

  it('presence.enter() whose own attaching listener enters with other data: the listener’s data is what the server has', async () => {
    const server = new MemoryFoony();
    const client = server.client();
    await client.connect();
    const channel = client.channel('room');
    let inner: Promise<void> | undefined;
    channel.once('state', () => {
      inner = channel.presence.enter({ b: 2 });
    });
    await expect(channel.presence.enter({ a: 1 })).rejects.toMatchObject({ code: 'ABORTED' });
    await inner;
    await runFor();
    expect(channel.presence.ownEntry).toEqual({ data: { b: 2 } });
    expect(server.ownPresence('room')).toEqual({ data: { b: 2 } });
    expect(server.framesOf('room', 'pres')).toHaveLength(1);
    expect(channel.state).toBe('attached');
    client.close();
  });

  for (const reconnect of [false, true]) {
    it(`channel().subscribe() from a client connected listener attaches it (${reconnect ? 'reconnect' : 'first connect'})`, async () => {
      const server = new MemoryFoony();
      const client = server.client();
      let made: FoonyChannel | undefined;
      client.on('connected', () => {
        if (reconnect && server.received.filter((f) => f.t === 'auth').length < 2) return;
        made ??= client.channel('late');
        made.subscribe(() => undefined);
      });
      await client.connect();
      if (reconnect) {
        server.drop();
        await runFor();
      }
      await settle();
      expect(made?.state).toBe('attached');
      expect(server.subscribed.has('late')).toBe(true);
      expect(server.framesOf('late', 'sub')).toHaveLength(1);
      client.close();
    });
  }
});
