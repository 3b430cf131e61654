import { afterEach, describe, expect, it } from 'vitest';
import type { DisconnectEvent, PolySocketError } from '@polysocket/core';
import type { ChannelState, FoonyClient } from '@polysocket/foony';
import { foonyWorld, sleep, waitFor, type FoonyWorld } from '../helpers/setup';

let world: FoonyWorld;
afterEach(async () => {
  await world?.close();
});

/** Both channels attached, then the link drops: the restore re-subscribes them. */
async function subscribedThenDropped(client: FoonyClient): Promise<void> {
  await client.connect();
  client.channel('good').subscribe(() => undefined);
  client.channel('busy').subscribe(() => undefined);
  await waitFor(
    () => client.channel('good').state === 'attached' && client.channel('busy').state === 'attached',
    'both attached',
  );
}

function watch(client: FoonyClient) {
  const drops: DisconnectEvent[] = [];
  const channelErrors: PolySocketError[] = [];
  const states: ChannelState[] = [];
  client.on('disconnected', (e) => drops.push(e));
  client.channel('busy').on('error', (e) => channelErrors.push(e));
  client.channel('busy').on('state', (s) => states.push(s));
  return { drops, channelErrors, states };
}

describe('Foony restore: one channel whose re-subscribe fails for a while', () => {
  for (const [what, code, errorCode] of [
    ['rate limited (42900)', 42900, 'RATE_LIMITED'],
    ['a server error (50000)', 50000, 'SERVER'],
    ['unanswered (a timeout)', undefined, 'TIMEOUT'],
  ] as const) {
    it(`${what}: the link stays up, the other channel and queued publishes proceed, that channel retries with backoff`, async () => {
      world = await foonyWorld();
      const client = world.client({ requestTimeoutMs: 200 });
      await subscribedThenDropped(client);
      const { drops, channelErrors, states } = watch(client);

      world.foony.failSubscribes('busy', 3, code);
      const reconnected = new Promise<void>((resolve) => client.once('connected', () => resolve()));
      world.server.faults.drop('/foony');
      await waitFor(() => client.state !== 'connected', 'the drop');
      const queued = client.channel('good').publish('while-down', 1); // waits in the outbox
      await reconnected;
      await queued; // went out after the restore, although 'busy' was refused
      await waitFor(() => client.channel('good').state === 'attached', 'good attached'); // sub and presSub acked

      await waitFor(() => client.channel('busy').state === 'attached', 'busy attached after its retries', 15_000);
      expect(drops).toHaveLength(1); // only the drop we caused
      expect(channelErrors.map((e) => e.code)).toEqual([errorCode, errorCode, errorCode]);
      expect(states.filter((s) => s === 'retrying')).toHaveLength(3);
      expect(world.foony.requestsFor('busy').sub).toBe(1 + 1 + 3); // first subscribe, the restore's, three retries
      expect(world.foony.subscriberCount('busy')).toBe(1);
    });
  }

  it('close() while a channel waits to retry leaves no timer running', async () => {
    world = await foonyWorld();
    const client = world.client();
    await client.connect();
    const busy = client.channel('busy');
    world.foony.failSubscribes('busy', 1000, 42900);
    busy.subscribe(() => undefined);
    await waitFor(() => busy.state === 'retrying', 'retrying');
    const subs = world.foony.requestsFor('busy').sub;
    client.close();
    await sleep(400); // well past the test backoff's ceiling (150 ms)
    expect(world.foony.requestsFor('busy').sub).toBe(subs);
    // The session ended: detached, but still wanted (a later connect() subscribes it).
    expect(busy.state).toBe('detached');
    expect(busy.wanted).toBe(true);
  });

  it('unsubscribe() while a channel waits to retry stops the retries', async () => {
    world = await foonyWorld();
    const client = world.client();
    await client.connect();
    const busy = client.channel('busy');
    world.foony.failSubscribes('busy', 1000, 50000);
    busy.subscribe(() => undefined);
    await waitFor(() => busy.state === 'retrying', 'retrying');
    await busy.unsubscribe();
    const subs = world.foony.requestsFor('busy').sub;
    await sleep(400);
    expect(world.foony.requestsFor('busy').sub).toBe(subs);
    expect(busy.state).toBe('detached');
    expect(client.state).toBe('connected');
  });

  it('a channel the server refuses for good (40300) still fails without retries', async () => {
    world = await foonyWorld();
    const client = world.client();
    await client.connect();
    const vault = client.channel('forbidden:vault');
    vault.subscribe(() => undefined);
    await waitFor(() => vault.state === 'failed', 'failed');
    await sleep(300);
    expect(world.foony.requestsFor('forbidden:vault').sub).toBe(1);
    expect(vault.state).toBe('failed');
  });
});
