import { createHmac } from 'node:crypto';
import { io as officialClient } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { PolySocketError } from '@polysocket/core';
import {
  SockrClient,
  SocketEvent,
  sockrCalls,
  sockrTyping,
  type ISFUClientAdapter,
  type SockrCall,
} from '@polysocket/sockr';
import { hostileServer } from '../helpers/hostile';
import { record, sleep, sockrWorld, waitFor, type SockrWorld } from '../helpers/setup';

let world: SockrWorld;
afterEach(async () => {
  await world?.close();
});

describe('Sockr: auth and presence', () => {
  it('logs in on connect: authenticated {userId, socketId}, then echoes it so the server runs its post-login work', async () => {
    world = await sockrWorld();
    const alice = world.client('alice');
    const authenticated = record(alice, 'authenticated');
    await alice.connect();
    expect(alice.getUserId()).toBe('alice');
    expect(alice.isAuthenticated()).toBe(true);
    expect(authenticated).toEqual([{ userId: 'alice', socketId: expect.any(String) }]);
    await waitFor(() => world.sockr.eventLog.some(([u, e]) => u === 'alice' && e === 'authenticated'), 'the echo');
  });

  it('a bad token ends in failed after exactly one attempt (no reconnect loop)', async () => {
    world = await sockrWorld();
    const mallory = world.client('x', { token: 'garbage' });
    const error = (await mallory.connect().catch((e: unknown) => e)) as PolySocketError;
    expect(error).toMatchObject({ code: 'AUTH_FAILED', message: 'Invalid authentication token', retryable: false });
    expect(mallory.state).toBe('failed');
    await sleep(400);
    expect(world.sockr.authLog).toEqual(['garbage']);
  });

  it('an auth handler that throws gives "Authentication failed", also final', async () => {
    world = await sockrWorld();
    const c = world.client('x', { token: 'throw' });
    await expect(c.connect()).rejects.toMatchObject({ code: 'AUTH_FAILED', message: 'Authentication failed' });
  });

  it('after close(), requests fail at once with CLOSED (nothing sent, maybeDelivered false)', async () => {
    world = await sockrWorld();
    const alice = await world.connected('alice');
    alice.close();
    const sent = world.sockr.eventLog.length;
    for (const attempt of [() => alice.sendMessage('bob', 'too late'), () => alice.getOnlineStatus(['bob'])]) {
      await expect(attempt()).rejects.toMatchObject({
        code: 'CLOSED',
        maybeDelivered: false,
        message: expect.stringContaining('call connect()'),
      });
    }
    expect(world.sockr.eventLog.length).toBe(sent);
  });

  it('user_online / user_offline / get_online_status', async () => {
    world = await sockrWorld();
    const alice = await world.connected('alice');
    const online = record(alice, 'user_online');
    const offline = record(alice, 'user_offline');
    const bob = await world.connected('bob');
    await waitFor(() => online.some((e) => e.userId === 'bob'), 'bob online');
    expect(await alice.getOnlineStatus(['bob', 'carol'])).toEqual({ bob: true, carol: false });
    bob.close();
    await waitFor(() => offline.some((e) => e.userId === 'bob'), 'bob offline');
    expect(await alice.getOnlineStatus(['bob'])).toEqual({ bob: false });
  });
});

// A malformed online_status was dropped, and the request waited out its timeout blaming "Sockr is silent on some
// refusals".
it('a malformed reply fails its request at once with PROTOCOL (replies come in order: it was the answer)', async () => {
  const hostile = await hostileServer(
    () => undefined,
    (socket) => socket.emit('authenticated', { userId: 'alice' }),
    (socket) => socket.on('get_online_status', () => socket.emit('online_status', 'garbage')),
  );
  try {
    const alice = new SockrClient({
      url: hostile.url,
      token: 'token:alice',
      autoConnect: false,
      requestTimeoutMs: 3000,
    });
    const errors = record(alice, 'error');
    await alice.connect();
    await expect(alice.getOnlineStatus(['bob'])).rejects.toMatchObject({
      code: 'PROTOCOL',
      message: expect.stringContaining('online_status'),
    });
    expect(errors.map((e) => e.code)).toContain('PROTOCOL');
    alice.close();
  } finally {
    await hostile.close();
  }
});

describe('Sockr: direct messages', () => {
  it('send_message → receive_message and message_delivered, with a clientMessageId', async () => {
    world = await sockrWorld();
    const [alice, bob] = await Promise.all([world.connected('alice'), world.connected('bob')]);
    const messages = record(bob, 'message');
    const raw = record(bob, 'receive_message');
    const delivered = record(alice, 'message_delivered');
    const { messageId, clientMessageId } = await alice.sendMessage('bob', 'hi bob', { mood: 'happy' });
    await waitFor(() => messages.length === 1, 'the message');
    expect(messages[0]).toEqual({
      messageId,
      from: 'alice',
      content: 'hi bob',
      timestamp: expect.any(Number),
      metadata: { mood: 'happy', clientMessageId },
    });
    expect(raw[0]).toMatchObject({ from: 'alice', content: 'hi bob', messageId });
    expect(delivered).toEqual([{ messageId }]);
    expect(world.sockr.messages[0]).toMatchObject({ id: messageId, conversationId: 'alice:bob', deliveredTo: ['bob'] });
  });

  it('many sends resolve with their own messageIds, in order (one in flight)', async () => {
    world = await sockrWorld();
    const [alice, bob] = await Promise.all([world.connected('alice'), world.connected('bob')]);
    const got = record(bob, 'message');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => alice.sendMessage('bob', `m${i}`)));
    await waitFor(() => got.length === 20, 'all');
    expect(got.map((m) => m.messageId)).toEqual(results.map((r) => r.messageId));
    expect(got.map((m) => m.content)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
  });

  it('a message_delivered that comes after its send timed out does not answer the next send', async () => {
    world = await sockrWorld();
    const alice = await world.connected('alice', { requestTimeoutMs: 400 });
    await world.connected('bob');
    world.sockr.faultsFor('alice').delay(600); // the reply to the first send comes after its timeout
    await expect(alice.sendMessage('bob', 'slow')).rejects.toMatchObject({
      code: 'TIMEOUT',
      maybeDelivered: true,
      message: expect.stringMatching(/^no 'message_delivered' for 'send_message' within 400 ms: .*requestTimeoutMs/),
    });
    world.sockr.faultsFor('alice').delay(0);
    const { messageId } = await alice.sendMessage('bob', 'next');
    expect(world.sockr.messages.find((m) => m.id === messageId)?.content).toBe('next');
  });

  it("no send resolves with another message's messageId when several time out in a row (replies delayed past the timeout)", async () => {
    world = await sockrWorld();
    const alice = await world.connected('alice', { requestTimeoutMs: 300 });
    await world.connected('bob');
    const results: [string, string][] = [];
    const send = (i: number) =>
      alice.sendMessage('bob', `m${i}`).then(
        (r) => results.push([`m${i}`, r.messageId]),
        (e: PolySocketError) => results.push([`m${i}`, e.code]),
      );
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 4; i++) sends.push(send(i));
    await sleep(50);
    world.sockr.faultsFor('alice').delay(400);
    for (let i = 4; i < 8; i++) sends.push(send(i));
    await sleep(500);
    world.sockr.faultsFor('alice').delay(0);
    for (let i = 8; i < 12; i++) sends.push(send(i));
    await Promise.all(sends);
    const contentOf = new Map(world.sockr.messages.map((m) => [m.id, m.content]));
    const resolved = results.filter(([, id]) => contentOf.has(id));
    expect(resolved.length).toBeGreaterThan(0);
    for (const [content, id] of resolved) expect(contentOf.get(id), content).toBe(content);
  });

  it('queues messages for an offline user and flushes them once at login', async () => {
    world = await sockrWorld();
    const alice = await world.connected('alice');
    await alice.sendMessage('carol', 'while you were out');
    await alice.sendMessage('carol', 'and another');
    const carol = world.client('carol');
    const got = record(carol, 'message');
    await carol.connect();
    await waitFor(() => got.length === 2, 'queued messages');
    await sleep(100);
    expect(got.map((m) => m.content)).toEqual(['while you were out', 'and another']);
  });

  it('message_read reaches the original sender', async () => {
    world = await sockrWorld();
    const [alice, bob] = await Promise.all([world.connected('alice'), world.connected('bob')]);
    const reads = record(alice, 'message_read');
    const { messageId } = await alice.sendMessage('bob', 'read me');
    bob.markMessageRead(messageId, 'alice');
    await waitFor(() => reads.length === 1, 'read receipt');
    expect(reads[0]).toEqual({ messageId });
    expect(world.sockr.messages[0].readBy).toEqual(['bob']);
  });

  it('typing: throttled start, automatic stop, remote expiry', async () => {
    world = await sockrWorld();
    const options = { typing: sockrTyping, typingTimes: { throttleMs: 200, idleMs: 300, expireMs: 400 } };
    const [alice, bob] = await Promise.all([world.connected('alice', options), world.connected('bob', options)]);
    const changes = record(bob, 'typing');
    const starts = record(bob, 'typing_start');
    const stops = record(bob, 'typing_stop');
    alice.startTyping('bob');
    alice.startTyping('bob');
    alice.startTyping('bob');
    await waitFor(() => starts.length === 1, 'typing_start');
    expect(starts[0]).toEqual({ from: 'alice' });
    expect(bob.typingNow.has('alice')).toBe(true);
    await waitFor(() => stops.length === 1, 'automatic typing_stop', 2000);
    expect(changes.map((c) => c.typing)).toEqual([true, false]);
    expect(world.sockr.eventLog.filter(([u, e]) => u === 'alice' && e === 'typing_start')).toHaveLength(1);

    // A sender that vanishes without typing_stop: the receiver expires the indicator itself.
    world.sockr.online.get('bob')!.forEach((s) => s.emit('typing_start', { from: 'ghost' }));
    await waitFor(() => bob.typingNow.has('ghost'), 'ghost typing');
    await waitFor(() => !bob.typingNow.has('ghost'), 'ghost expired', 2000);
  });

  it('history pages return every message once, oldest first within a page', async () => {
    world = await sockrWorld();
    const [alice, bob] = await Promise.all([world.connected('alice'), world.connected('bob')]);
    for (let i = 0; i < 120; i++) await alice.sendMessage('bob', `h${i}`);
    const pages: string[][] = [];
    for await (const page of bob.getMessageHistory('alice', { limit: 50 })) pages.push(page.map((m) => m.content));
    const all = pages.reverse().flat();
    expect(all).toEqual(Array.from({ length: 120 }, (_, i) => `h${i}`));
    const page = await alice.fetchMessageHistory('bob', { limit: 5 });
    expect(page.map((m) => m.content)).toEqual(['h115', 'h116', 'h117', 'h118', 'h119']);
    expect(page[0]).toMatchObject({
      conversationId: 'alice:bob',
      from: 'alice',
      to: 'bob',
      deliveredTo: ['bob'],
      readBy: [],
    });
  });

  it('1,000 direct messages while the receiver drops and reconnects 10 times: each arrives once', async () => {
    world = await sockrWorld();
    const alice = await world.connected('alice');
    const bob = await world.connected('bob');
    const got: string[] = [];
    bob.on('message', (m) => got.push(m.content));
    let drops = 0;
    for (let i = 0; i < 1000; i++) {
      // Every 100 messages bob's link dies silently: 10 messages are "delivered" into the void before
      // the socket finally drops; later ones are queued for him. Only the catch-up recovers the lost ones.
      if (i % 100 === 40) world.sockr.blackhole('bob');
      await alice.sendMessage('bob', `n${i}`);
      if (i % 100 === 49) {
        world.sockr.dropUser('bob');
        drops++;
      }
    }
    expect(drops).toBe(10);
    await waitFor(() => got.length >= 1000 && bob.isConnected(), 'all 1000', 20_000).catch((error) => {
      const missing = Array.from({ length: 1000 }, (_, i) => `n${i}`).filter((n) => !got.includes(n));
      throw new Error(
        `${(error as Error).message}: got ${got.length}, bob ${bob.state}, missing ${missing.slice(0, 30).join(',')}`,
      );
    });
    await sleep(300);
    expect(got).toHaveLength(1000);
    expect(new Set(got).size).toBe(1000);
    expect([...got].sort()).toEqual(Array.from({ length: 1000 }, (_, i) => `n${i}`).sort());
  }, 60_000);
});

describe('Sockr: groups', () => {
  it('create, join, members, user groups, leave — with the events on every client', async () => {
    world = await sockrWorld();
    const [alice, bob, carol] = await Promise.all([
      world.connected('alice'),
      world.connected('bob'),
      world.connected('carol'),
    ]);
    const group = await alice.createGroup('team', ['bob'], { topic: 'x' });
    expect(group).toMatchObject({
      name: 'team',
      createdBy: 'alice',
      members: ['alice', 'bob'],
      metadata: { topic: 'x' },
    });

    const aliceJoins = record(alice, 'group_member_joined');
    const joined = await carol.joinGroup(group.id);
    expect(joined.group.id).toBe(group.id);
    await waitFor(() => aliceJoins.length === 1, 'member joined');
    expect(aliceJoins[0]).toEqual({
      groupId: group.id,
      member: { userId: 'carol', role: 'member', joinedAt: expect.any(Number) },
    });

    const members = await bob.getGroupMembers(group.id);
    expect(members.map((m) => [m.userId, m.role])).toEqual([
      ['alice', 'admin'],
      ['bob', 'member'],
      ['carol', 'member'],
    ]);
    expect((await bob.getUserGroups()).map((g) => g.id)).toEqual([group.id]);

    const left = record(alice, 'group_member_left');
    await carol.leaveGroup(group.id);
    await waitFor(() => left.length === 1, 'member left');
    expect(left[0]).toEqual({ groupId: group.id, userId: 'carol' });
    await expect(carol.joinGroup('no-such-group')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'Group not found',
    });
  });

  it('group messages: echo and delivery, read receipts, typing, history; non-members refused', async () => {
    world = await sockrWorld();
    const [alice, bob, eve] = await Promise.all([
      world.connected('alice', { typing: sockrTyping }),
      world.connected('bob', { typing: sockrTyping }),
      world.connected('eve'),
    ]);
    const group = await alice.createGroup('g', ['bob']);
    const bobGot = record(bob, 'group_message');
    const aliceGot = record(alice, 'group_message');
    const { messageId } = await alice.sendGroupMessage(group.id, 'hello team', { n: 1 });
    await waitFor(() => bobGot.length === 1 && aliceGot.length === 1, 'room delivery and echo');
    expect(bobGot[0]).toMatchObject({
      groupId: group.id,
      messageId,
      from: 'alice',
      content: 'hello team',
      metadata: { n: 1 },
    });

    const reads = record(alice, 'group_message_read');
    bob.markGroupMessageRead(group.id, messageId);
    await waitFor(() => reads.length === 1, 'group read');
    expect(reads[0]).toEqual({ groupId: group.id, messageId });

    const typing = record(alice, 'group_typing_start');
    bob.startGroupTyping(group.id);
    await waitFor(() => typing.length === 1, 'group typing');
    expect(typing[0]).toEqual({ groupId: group.id, from: 'bob' });
    expect(alice.typingNow.has(`${group.id}:bob`)).toBe(true);

    // Sockr pages by an exclusive millisecond cursor: no client can page through more than `limit`
    // messages stored in one millisecond, so the messages are spaced (fast sends were a flake).
    for (let i = 0; i < 7; i++) {
      await bob.sendGroupMessage(group.id, `g${i}`);
      await sleep(2);
    }
    const pages: string[][] = [];
    for await (const page of alice.getGroupMessageHistory(group.id, { limit: 3 }))
      pages.push(page.map((m) => m.content));
    expect(pages.reverse().flat()).toEqual(['hello team', ...Array.from({ length: 7 }, (_, i) => `g${i}`)]);

    await expect(eve.sendGroupMessage(group.id, 'let me in')).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'Not a member of this group',
    });
  });

  it('re-joins known groups after a reconnect, so room messages keep coming', async () => {
    world = await sockrWorld({ postAuthHook: false }); // a server whose post-login hook never runs
    const [alice, bob] = await Promise.all([world.connected('alice'), world.connected('bob')]);
    const group = await alice.createGroup('g', ['bob']);
    await bob.joinGroup(group.id);
    const got = record(bob, 'group_message');
    for (const socket of world.sockr.online.get('bob') ?? []) socket.conn.request.socket.destroy();
    await waitFor(() => !bob.isConnected(), 'bob dropped');
    await waitFor(() => bob.isConnected(), 'bob back');
    await sleep(100);
    await alice.sendGroupMessage(group.id, 'after the drop');
    await waitFor(() => got.some((m) => m.content === 'after the drop'), 'room message after reconnect');
  });
});

describe('Sockr: calls', () => {
  it('a full signalling exchange between two clients', async () => {
    world = await sockrWorld({ turn: { urls: 'turn:turn.mock.invalid:3478', secret: 's3cret', ttl: 600 } });
    const [alice, bob] = await Promise.all([
      world.connected('alice', { calls: sockrCalls }),
      world.connected('bob', { calls: sockrCalls }),
    ]);
    const incoming: SockrCall[] = [];
    const bobCandidates: unknown[] = [];
    bob.on('call', (call) => {
      incoming.push(call);
      call.on('ice_candidate', (c) => bobCandidates.push(c));
    });

    const call = alice.call('bob', 'v=0 offer');
    const aliceStates: string[] = [];
    call.on('state', (s) => aliceStates.push(s));
    call.addLocalCandidate({ candidate: 'candidate:early', sdpMid: '0', sdpMLineIndex: 0 }); // before the callId is known
    await waitFor(() => incoming.length === 1 && call.callId !== undefined, 'ringing');
    const bobCall = incoming[0];
    expect(bobCall).toMatchObject({
      callId: call.callId,
      peer: 'alice',
      sdpOffer: 'v=0 offer',
      state: 'ringing',
      direction: 'incoming',
    });
    expect(bobCall.iceServers.some((s) => String(s.urls).startsWith('turn:'))).toBe(true);

    await waitFor(() => bobCandidates.length === 1, 'the buffered candidate');
    expect(bobCandidates[0]).toEqual({ candidate: 'candidate:early', sdpMid: '0', sdpMLineIndex: 0 });

    const answered = new Promise((resolve) => call.once('answered', resolve));
    bobCall.answer('v=0 answer');
    expect(await answered).toBe('v=0 answer');
    expect(call.state).toBe('active');

    const aliceCandidates: unknown[] = [];
    call.on('ice_candidate', (c) => aliceCandidates.push(c));
    bobCall.addLocalCandidate({ candidate: 'candidate:from-bob' });
    await waitFor(() => aliceCandidates.length === 1, 'candidate from bob');

    call.hangUp();
    expect(call.state).toBe('ended');
    await waitFor(() => bobCall.state === 'ended', 'bob sees the end');
    expect(aliceStates).toEqual(['ringing', 'active', 'ended']);
    expect(alice.activeCalls.size).toBe(0);
    expect(bob.activeCalls.size).toBe(0);
  });

  it('remote candidates that arrive before the callee listens reach its listener when it attaches later', async () => {
    world = await sockrWorld();
    const [alice, bob] = await Promise.all([
      world.connected('alice', { calls: sockrCalls }),
      world.connected('bob', { calls: sockrCalls }),
    ]);
    const candidates: unknown[] = [];
    bob.on('call', (call) => {
      // The app sets up its peer connection first and listens a little later.
      setTimeout(() => call.on('ice_candidate', (c) => candidates.push(c.candidate)), 100);
    });
    const call = alice.call('bob', 'offer');
    call.addLocalCandidate({ candidate: 'candidate:1' }); // goes out right after call_ringing
    call.addLocalCandidate({ candidate: 'candidate:2' });
    await waitFor(() => candidates.length === 2, 'both candidates');
    expect(candidates).toEqual(['candidate:1', 'candidate:2']);
  });

  it('reject, busy, unavailable and the ring timeout', async () => {
    world = await sockrWorld();
    const [alice, bob, carol] = await Promise.all([
      world.connected('alice', { calls: sockrCalls }),
      world.connected('bob', { calls: sockrCalls }),
      world.connected('carol', { ringTimeoutMs: 300, calls: sockrCalls }),
    ]);
    const incoming: SockrCall[] = [];
    bob.on('call', (call) => incoming.push(call));

    const first = alice.call('bob', 'offer');
    await waitFor(() => incoming.length === 1, 'incoming');
    const busy = carol.call('bob', 'offer-2'); // bob is ringing
    await waitFor(() => busy.state === 'busy', 'busy');
    incoming[0].reject();
    await waitFor(() => first.state === 'rejected', 'rejected');

    const nobody = alice.call('dave', 'offer-3');
    await waitFor(() => nobody.state === 'unavailable', 'unavailable');

    const unanswered = carol.call('bob', 'offer-4');
    await waitFor(() => incoming.length === 2, 'second incoming');
    await waitFor(() => unanswered.state === 'ended', 'ring timeout', 2000);
    await waitFor(() => incoming[1].state === 'ended', 'callee told');
  });

  it('ICE servers carry TURN credentials: username "expiry:userId", HMAC-SHA1 of it', async () => {
    world = await sockrWorld({
      turn: { urls: ['turn:a.invalid:3478', 'turns:a.invalid:5349'], secret: 'coturn-secret' },
    });
    const alice = await world.connected('alice', { calls: sockrCalls });
    const servers = await alice.getIceServers();
    expect(servers[0]).toEqual({ urls: 'stun:stun.mock.invalid:3478' });
    expect(servers.slice(1).map((s) => s.urls)).toEqual(['turn:a.invalid:3478', 'turns:a.invalid:5349']);
    const { username, credential } = servers[1];
    const [expiry, user] = username!.split(':');
    expect(user).toBe('alice');
    expect(Number(expiry)).toBeGreaterThan(Date.now() / 1000 + 3500);
    expect(credential).toBe(createHmac('sha1', 'coturn-secret').update(username!).digest('base64'));
  });
});

describe('Sockr: conferences', () => {
  it('join gives a token; the room sees started / participant joined / left / ended', async () => {
    world = await sockrWorld({ sfuUrl: 'wss://sfu.test' });
    const [alice, bob, eve] = await Promise.all([
      world.connected('alice', { calls: sockrCalls }),
      world.connected('bob', { calls: sockrCalls }),
      world.connected('eve', { calls: sockrCalls }),
    ]);
    const group = await alice.createGroup('call', ['bob']);
    const started = record(bob, 'conference_started');
    const connectedWith: string[] = [];
    const adapter: ISFUClientAdapter = {
      connect: async (url, token) => void connectedWith.push(url, token),
      disconnect: async () => undefined,
      publishTracks: async () => undefined,
      onTrackSubscribed: () => undefined,
      onTrackUnsubscribed: () => undefined,
      onParticipantConnected: () => undefined,
      onParticipantDisconnected: () => undefined,
      onDisconnected: () => undefined,
    };
    await alice.joinConferenceWith(adapter, group.id);
    expect(connectedWith[0]).toBe('wss://sfu.test');
    expect(JSON.parse(Buffer.from(connectedWith[1], 'base64url').toString())).toMatchObject({
      room: group.id,
      identity: 'alice',
    });
    await waitFor(() => started.length === 1, 'started');
    expect(started[0]).toEqual({ groupId: group.id, startedBy: 'alice', participantCount: 1 });
    expect(bob.conferenceOf(group.id)).toMatchObject({ active: true, startedBy: 'alice', participantCount: 1 });

    const joined = record(alice, 'conference_participant_joined');
    const token = await bob.joinConference(group.id);
    expect(token.sfuUrl).toBe('wss://sfu.test');
    await waitFor(() => joined.length === 1, 'participant joined');
    expect(joined[0]).toEqual({ groupId: group.id, userId: 'bob', participantCount: 2 });
    expect([...alice.conferenceOf(group.id)!.participants].sort()).toEqual(['alice', 'bob']);

    const left = record(alice, 'conference_participant_left');
    bob.leaveConference(group.id);
    await waitFor(() => left.length === 1, 'participant left');
    expect(left[0]).toEqual({ groupId: group.id, userId: 'bob', participantCount: 1 });

    const ended = record(bob, 'conference_ended');
    alice.leaveConference(group.id);
    await waitFor(() => ended.length === 1, 'ended');
    expect(bob.conferenceOf(group.id)).toBeUndefined();

    await expect(eve.joinConference(group.id)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'Not a member of this group',
    });
  });
});

describe('Sockr mock speaks real Socket.IO: the official socket.io-client drives it', () => {
  it('error replies before login: message_error and group_create_error "Not authenticated"', async () => {
    world = await sockrWorld();
    const socket = officialClient(world.url, { transports: ['websocket'], reconnection: false });
    try {
      await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
      const messageError = new Promise((resolve) => socket.once(SocketEvent.MESSAGE_ERROR, resolve));
      socket.emit(SocketEvent.SEND_MESSAGE, { to: 'bob', content: 'too early' });
      expect(await messageError).toEqual({ error: 'Not authenticated' });
      const createError = new Promise((resolve) => socket.once(SocketEvent.GROUP_CREATE_ERROR, resolve));
      socket.emit(SocketEvent.GROUP_CREATE, { name: 'x' });
      expect(await createError).toEqual({ error: 'Not authenticated' });
      const statuses = new Promise((resolve) => socket.once(SocketEvent.ONLINE_STATUS, resolve));
      socket.emit(SocketEvent.GET_ONLINE_STATUS, { userIds: ['nobody'] }); // presence needs no login
      expect(await statuses).toEqual({ statuses: { nobody: false } });
    } finally {
      socket.close();
    }
  });

  it('auth, a direct message and a group, with socket.io-client 4.8', async () => {
    world = await sockrWorld();
    const bob = await world.connected('bob');
    const got = record(bob, 'message');
    const socket = officialClient(world.url, { transports: ['websocket'], reconnection: false });
    try {
      const auth = await new Promise<{ userId: string }>((resolve) => {
        socket.on('authenticated', resolve);
        socket.on('connect', () => socket.emit(SocketEvent.AUTHENTICATE, { token: 'token:official' }));
      });
      expect(auth.userId).toBe('official');
      const delivered = new Promise<{ messageId: string }>((resolve) => socket.once('message_delivered', resolve));
      socket.emit(SocketEvent.SEND_MESSAGE, { to: 'bob', content: 'from the official client' });
      const { messageId } = await delivered;
      await waitFor(() => got.length === 1, 'bob got it');
      expect(got[0]).toMatchObject({ messageId, from: 'official', content: 'from the official client' });
      const created = new Promise<{ group: { name: string } }>((resolve) => socket.once('group_created', resolve));
      socket.emit(SocketEvent.GROUP_CREATE, { name: 'official group', members: ['bob'] });
      expect((await created).group.name).toBe('official group');
    } finally {
      socket.close();
    }
  });
});

describe('Sockr: message size', () => {
  it('a sendMessage over the server limit (1 MB) is refused at once with TOO_LARGE; the link stays up', async () => {
    world = await sockrWorld();
    const [alice, bob] = await Promise.all([world.connected('alice'), world.connected('bob')]);
    const errors = record(alice, 'error');
    const reads = world.sockr.eventLog.length;
    await expect(alice.sendMessage('bob', 'x'.repeat(1_100_000))).rejects.toMatchObject({
      code: 'TOO_LARGE',
      maybeDelivered: false,
      retryable: false,
    });
    expect(errors.map((e) => e.code)).toEqual(['TOO_LARGE']);
    expect(world.sockr.eventLog.length).toBe(reads);
    const got = record(bob, 'message');
    await alice.sendMessage('bob', 'small');
    await waitFor(() => got.length === 1, 'the next message');
    expect(alice.isConnected()).toBe(true);
  });

  it('a lower limit the server announces (Engine.IO maxPayload) applies too', async () => {
    world = await sockrWorld({ maxHttpBufferSize: 20_000 });
    const alice = await world.connected('alice');
    expect(alice.io.engine?.maxPayload).toBe(20_000);
    await expect(alice.sendMessage('bob', 'x'.repeat(30_000))).rejects.toMatchObject({
      code: 'TOO_LARGE',
      maybeDelivered: false,
    });
    await alice.sendMessage('bob', 'x'.repeat(10_000));
    expect(alice.isConnected()).toBe(true);
  });
});
