import { expect } from 'vitest';
import type { FoonyClient, PresenceChange } from '@polysocket/foony';
import { waitFor, type FoonyWorld } from './setup';

/**
 * The binary wire's gap-and-resume scenario, the same on every transport: `ours` and a presence watcher on one
 * channel; a gap in live delivery filled by fetch before what follows it; `drop` ends ours's session (and maybe the
 * watcher's); the missed message arrives once, the connectionId is resumed, the watcher sees no leave/enter.
 */
export async function gapAndResume(
  world: FoonyWorld,
  ours: FoonyClient,
  watcher: FoonyClient,
  drop: () => void,
): Promise<void> {
  await Promise.all([ours.connect(), watcher.connect()]);
  const chat = ours.channel('chat');
  const seqs: number[] = [];
  chat.subscribe((m) => seqs.push(m.seq!));
  const changes: PresenceChange[] = [];
  const watched = watcher.channel('chat');
  watched.presence.subscribe((c) => changes.push(c));
  watched.attach();
  await waitFor(() => chat.state === 'attached' && watched.state === 'attached', 'attached');
  await chat.presence.enter({ here: true });
  await waitFor(() => changes.length === 1, 'the enter seen');

  world.foony.dropLive('chat', [3]);
  for (let n = 1; n <= 5; n++) world.foony.publish('chat', 'n', n);
  await waitFor(() => seqs.length === 5, 'five messages');
  expect(seqs).toEqual([1, 2, 3, 4, 5]);
  // One fetch per subscriber (the watcher missed serial 3 too), not one per held message.
  expect(world.foony.requestsFor('chat').fetch).toBe(2);

  const connectionId = ours.session!.connectionId;
  const subsBefore = world.foony.requestsFor('chat').sub;
  const down = new Promise((resolve) => ours.once('disconnected', resolve));
  drop();
  await down;
  world.foony.publish('chat', 'n', 6); // while ours is away
  await waitFor(() => seqs.length === 6 && ours.state === 'connected', 'the missed message');
  world.foony.publish('chat', 'n', 7);
  await waitFor(() => seqs.length === 7, 'live again');
  expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7]);
  // Ours resubscribed once (the watcher may have been dropped too, and resubscribes on its own backoff).
  await waitFor(() => watcher.state === 'connected', 'the watcher connected');
  expect(world.foony.requestsFor('chat').sub - subsBefore).toBeGreaterThanOrEqual(1);
  // The session resumed its connectionId: the watcher saw no leave and no second enter.
  expect(ours.session!.connectionId).toBe(connectionId);
  expect(changes.map((c) => c.action)).toEqual(['enter']);
}
