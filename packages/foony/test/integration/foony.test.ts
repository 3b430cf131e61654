import { afterEach, describe, expect, it } from 'vitest';
import type { DisconnectEvent, PolySocketError } from '@polysocket/core';
import { foonySeedWire, strictChannelNames, type FoonyMessage, type PresenceChange } from '@polysocket/foony';
import { foonyWorld, sleep, waitFor, type FoonyWorld } from '../helpers/setup';

let world: FoonyWorld;
/** Tests that run on each wire: the default (the binary records) and the seed's JSON wire. */
const WIRES = [
  ['binary records, the default', undefined],
  ['seed JSON wire', foonySeedWire],
] as const;
afterEach(async () => {
  await world?.close();
});

describe('Foony adapter against the mock server', () => {
  for (const [label, wire] of WIRES) {
    it(`round-trips every frame type (${label})`, async () => {
      world = await foonyWorld({ keepAliveMs: 250 });
      const client = world.client({ wire });
      const rtts: number[] = [];
      client.on('rtt', (ms) => rtts.push(ms));
      await client.connect(); // auth → connected
      expect(client.session).toMatchObject({ clientId: 'user-1', keepAliveMs: 250 });
      expect(client.session!.connectionId).toMatch(/^conn-/);

      const chat = client.channel('chat');
      const got: FoonyMessage[] = [];
      chat.subscribe((m) => got.push(m)); // sub → ack
      await waitFor(() => chat.state === 'attached', 'attached');
      await chat.publish('greeting', { text: 'hi' }); // pub → ack, and msg back
      await waitFor(() => got.length === 1, 'msg');
      expect(got[0]).toMatchObject({
        t: 'msg',
        channel: 'chat',
        name: 'greeting',
        data: { text: 'hi' },
        clientId: 'user-1',
      });

      const changes: PresenceChange[] = [];
      chat.presence.subscribe((c) => changes.push(c));
      await chat.presence.enter({ mood: 'fine' }); // pres → ack, presEvt back
      await waitFor(() => changes.length === 1, 'presEvt');
      expect(changes[0]).toMatchObject({ action: 'enter', member: { clientId: 'user-1', data: { mood: 'fine' } } });

      const page = await chat.history({ limit: 10 }); // hist → histRes
      expect(page).toEqual({ messages: [got[0]], more: false });

      await waitFor(() => rtts.length > 0, 'a pong'); // ping → pong
      await expect(client.channel('forbidden:vault').publish('x', 1)).rejects.toMatchObject({
        code: 'FORBIDDEN',
        backendCode: 40300,
      }); // err with id
      await chat.unsubscribe(); // unsub → ack
      expect(world.foony.subscriberCount('chat')).toBe(0);
    });
  }

  for (const [label, wire] of WIRES) {
    it(`presence.subscribe on its own attaches the channel and hears enters (${label})`, async () => {
      world = await foonyWorld();
      const watcher = world.client({ wire, token: world.foony.issueToken('watcher') });
      const walker = world.client({ wire, token: world.foony.issueToken('walker') });
      await Promise.all([watcher.connect(), walker.connect()]);
      const seen: string[] = [];
      watcher.channel('lobby').presence.subscribe((c) => seen.push(`${c.action}:${c.member.clientId}`));
      await waitFor(() => watcher.channel('lobby').state === 'attached', 'attached by presence.subscribe');
      await walker.channel('lobby').presence.enter({ here: true });
      await waitFor(() => seen.includes('enter:walker'), 'the enter');
      expect(watcher.channel('lobby').presence.members().size).toBe(1);
    });
  }

  it('correlates acks and errs with hundreds of requests in flight', async () => {
    world = await foonyWorld();
    const client = world.client();
    await client.connect();
    const ok = Array.from({ length: 300 }, (_, i) => client.channel('load').publish('n', i));
    const denied = Array.from({ length: 50 }, (_, i) => client.channel(`forbidden:${i}`).publish('n', i));
    const unknown = Array.from({ length: 50 }, (_, i) => client.channel(`unknown:${i}`).publish('n', i));
    const results = await Promise.allSettled([...ok, ...denied, ...unknown]);
    expect(results.slice(0, 300).every((r) => r.status === 'fulfilled')).toBe(true);
    expect(results.slice(300, 350).map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(
      Array(50).fill('FORBIDDEN'),
    );
    expect(results.slice(350).map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(
      Array(50).fill('NOT_FOUND'),
    );
    expect(world.foony.historyOf('load').map((m) => m.data)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(client.connection.pendingRequests).toBe(0);
  });

  // The seed wire: no resumeConnectionId, so a reconnect swaps bob's connection (binary-wire.test.ts: the binary
  // wire keeps it, with no leave/enter).
  it('keeps presence members right across enter/update/leave and across a reconnect (seed wire)', async () => {
    world = await foonyWorld();
    const seed = { token: undefined, wire: foonySeedWire };
    const alice = world.client({ ...seed, authCallback: () => world.foony.issueToken('alice') });
    const bob = world.client({ ...seed, authCallback: () => world.foony.issueToken('bob') });
    await Promise.all([alice.connect(), bob.connect()]);
    const aliceRoom = alice.channel('room');
    const bobRoom = bob.channel('room');
    bobRoom.attach();
    await waitFor(() => bobRoom.state === 'attached', 'bob attached');

    await aliceRoom.presence.enter({ status: 'here' });
    await waitFor(() => bobRoom.presence.members().size === 1, 'bob sees alice');
    const aliceId = alice.session!.connectionId;
    expect(bobRoom.presence.members().get(aliceId)).toMatchObject({ clientId: 'alice', data: { status: 'here' } });

    await aliceRoom.presence.update({ status: 'busy' });
    await waitFor(
      () => (bobRoom.presence.members().get(aliceId)?.data as { status: string })?.status === 'busy',
      'update',
    );

    await bobRoom.presence.enter({ status: 'bob' });
    await waitFor(() => aliceRoom.presence.members().size === 2, 'alice sees both');

    // Bob's link drops abruptly; he comes back with a new connection and re-enters.
    const bobBefore = bob.session!.connectionId;
    const bobChanges: PresenceChange[] = [];
    bobRoom.presence.subscribe((c) => bobChanges.push(c));
    world.foony.connectionOf(bobBefore)!.drop();
    await waitFor(() => bob.state === 'connected' && bob.session!.connectionId !== bobBefore, 'bob back');
    await waitFor(() => bobRoom.state === 'attached' && bobRoom.presence.members().size === 2, 'bob resynced');
    const bobAfter = bob.session!.connectionId;
    expect([...bobRoom.presence.members().keys()].sort()).toEqual([aliceId, bobAfter].sort());
    expect(bobRoom.presence.members().get(bobAfter)).toMatchObject({ clientId: 'bob', data: { status: 'bob' } });
    // Alice never re-appeared: bob's resync only reported his own connection swap.
    expect(bobChanges.filter((c) => c.member.clientId === 'alice')).toEqual([]);
    await waitFor(
      () => [...aliceRoom.presence.members().keys()].sort().join() === [aliceId, bobAfter].sort().join(),
      'alice sees bob’s new connection and not the old one',
    );

    await aliceRoom.presence.leave();
    await waitFor(() => bobRoom.presence.members().size === 1, 'alice left');
    expect(world.foony.membersOf('room').map((m) => m.clientId)).toEqual(['bob']);
  });

  for (const [label, wire] of WIRES) {
    it(`pages through history returning every message exactly once (${label})`, async () => {
      world = await foonyWorld({ historyLimit: 5000 });
      for (let i = 0; i < 257; i++) world.foony.publish('log', 'line', i);
      const client = world.client({ wire });
      await client.connect();
      const pages: number[][] = [];
      for await (const page of client.channel('log').historyPages({ limit: 40 }))
        pages.push(page.map((m) => m.data as number));
      expect(pages).toHaveLength(7);
      expect(pages.every((p, i) => p.length === (i < 6 ? 40 : 17))).toBe(true);
      const all = pages.reverse().flat();
      expect(all).toEqual(Array.from({ length: 257 }, (_, i) => i));
    });
  }

  it('stops paging if the server repeats a page (seed wire: a server that ignores start)', async () => {
    world = await foonyWorld();
    for (let i = 0; i < 30; i++) world.foony.publish('loop', 'n', i);
    const client = world.client({ wire: foonySeedWire });
    await client.connect();
    const channel = client.channel('loop');
    // A server that ignores `start` (simulated by paging with a cursor it does not know).
    const original = channel.history.bind(channel);
    channel.history = (options = {}) => original({ ...options, start: undefined });
    let pages = 0;
    for await (const _ of channel.historyPages({ limit: 10 })) pages++;
    expect(pages).toBe(1);
  });

  it('renews a token that expires mid-session without the app noticing', async () => {
    world = await foonyWorld();
    let issued = 0;
    const client = world.client({
      token: undefined,
      authCallback: () => {
        issued++;
        return world.foony.issueToken('renewing', 400);
      },
    });
    const errors: PolySocketError[] = [];
    client.on('error', (error) => errors.push(error));
    await client.connect();
    const got: number[] = [];
    client.channel('ticks').subscribe((m) => got.push(m.data as number));
    await waitFor(() => client.channel('ticks').state === 'attached', 'attached');
    for (let i = 0; i < 60; i++) {
      world.foony.publish('ticks', 'tick', i);
      await sleep(20);
    }
    await waitFor(() => got.length === 60, 'all ticks');
    expect(got).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(issued).toBeGreaterThanOrEqual(3); // renewed at least twice in 1.2 s of 400 ms tokens
    expect(errors).toEqual([]);
    // Renewal keeps going (every 400 ms), so the client may be mid-renewal right now; it always comes back.
    await waitFor(() => client.state === 'connected', 'connected');
  });

  it('BadAuth with a static token ends in failed after one attempt', async () => {
    world = await foonyWorld();
    const client = world.client({ token: 'not-a-token' });
    const error = (await client.connect().catch((e: unknown) => e)) as PolySocketError;
    expect(error).toMatchObject({ code: 'AUTH_FAILED', retryable: false, backendCode: 40101 });
    expect(client.state).toBe('failed');
    await sleep(400);
    expect(world.foony.authLog).toHaveLength(1);
  });

  it('a static token that expires mid-session ends in failed, without a retry loop', async () => {
    world = await foonyWorld();
    const client = world.client({ token: world.foony.issueToken('short', 200) });
    await client.connect();
    await waitFor(() => client.state === 'failed', 'failed');
    await sleep(300);
    expect(world.foony.authLog).toHaveLength(1);
  });

  for (const [label, wire] of WIRES) {
    it(`delivers a 5,000-message stream complete, once and in order across 20+ abrupt drops (${label})`, async () => {
      // The server replays 5 already-delivered messages on every resume: only de-duplication hides them.
      world = await foonyWorld({ historyLimit: 10_000, resumeOverlap: 5 });
      const client = world.client({ wire });
      await client.connect();
      const got: string[] = [];
      const channel = client.channel('stream');
      channel.subscribe((m) => got.push(m.messageId));
      await waitFor(() => channel.state === 'attached', 'attached');
      let drops = 0;
      const dropper = setInterval(() => {
        if (world.server.faults.drop('/foony') > 0) drops++;
      }, 60);
      try {
        for (let i = 0; i < 5000; i++) {
          world.foony.publish('stream', 'n', i);
          if (i % 40 === 39) await sleep(3);
        }
        await waitFor(() => drops >= 20, '20 drops');
      } finally {
        clearInterval(dropper);
      }
      await waitFor(() => got.length >= 5000 && client.state === 'connected', 'the whole stream', 20_000);
      await sleep(100);
      const expected = world.foony.historyOf('stream').map((m) => m.messageId);
      expect(drops).toBeGreaterThanOrEqual(20);
      expect(got).toHaveLength(5000);
      expect(got).toEqual(expected);
    }, 60_000);
  }

  it('detects a half-open server within the keep-alive deadline', async () => {
    world = await foonyWorld({ keepAliveMs: 300 });
    const client = world.client();
    await client.connect();
    await sleep(350);
    const dropped = new Promise<DisconnectEvent>((resolve) => client.once('disconnected', resolve));
    const silencedAt = Date.now();
    world.server.faults.silence('/foony');
    const event = await dropped;
    expect(event.reason).toMatch(/dead link/);
    // keepAliveMs until the next ping, then the pong deadline clamp(keepAliveMs, 250, 10000).
    expect(Date.now() - silencedAt).toBeLessThanOrEqual(300 + 300 + 150);
  });

  // The seed's pub has no client message id (the binary wire resends it: binary-wire.test.ts).
  it('seed wire: publishes made while down go out after restore; one in flight at a drop is rejected as maybe-delivered', async () => {
    world = await foonyWorld();
    const client = world.client({ wire: foonySeedWire });
    await client.connect();
    const channel = client.channel('outbox');
    channel.attach();
    await waitFor(() => channel.state === 'attached', 'attached');

    world.server.faults.silence('/foony');
    const inFlight = channel.publish('n', 'in flight');
    const safe = channel.publish('n', 'resend me', { resendSafe: true });
    await sleep(20);
    world.server.faults.drop('/foony');
    await expect(inFlight).rejects.toMatchObject({ code: 'DISCONNECTED', maybeDelivered: true, retryable: true });
    const queued = channel.publish('n', 'queued while down');
    await Promise.all([safe, queued]);
    expect(world.foony.historyOf('outbox').map((m) => m.data)).toEqual(['resend me', 'queued while down']);
  });

  it('a forbidden channel fails with a typed error and is not retried', async () => {
    world = await foonyWorld();
    const client = world.client();
    await client.connect();
    const vault = client.channel('forbidden:vault');
    const errors: PolySocketError[] = [];
    vault.on('error', (e) => errors.push(e));
    vault.subscribe(() => undefined);
    await waitFor(() => vault.state === 'failed', 'failed');
    expect(errors[0]).toMatchObject({ code: 'FORBIDDEN', backendCode: 40300 });
  });

  it('refuses bad channel names client-side with a clear error', async () => {
    world = await foonyWorld();
    const client = world.client({ channelNames: strictChannelNames });
    expect(() => client.channel('')).toThrow(/non-empty/);
    expect(() => client.channel('has space')).toThrow(/whitespace/);
    expect(() => client.channel('x'.repeat(256))).toThrow(/too long/);
    expect(() => client.channel(':leading')).toThrow(/must match/);
    expect(() => client.channel('ok:name_1-2')).not.toThrow();
  });

  it("without channel-name rules a name the server refuses fails the channel with the server's error, not retried", async () => {
    world = await foonyWorld();
    const client = world.client();
    await client.connect();
    const bad = client.channel('x'.repeat(300)); // the mock refuses names over 255 characters with 40001
    const errors: PolySocketError[] = [];
    bad.on('error', (e) => errors.push(e));
    bad.subscribe(() => undefined);
    await waitFor(() => bad.state === 'failed', 'failed');
    await sleep(200); // a retry would come after 5–150 ms here
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'PROTOCOL', backendCode: 40001, message: 'bad channel name' });
    expect(client.state).toBe('connected');
  });
});
