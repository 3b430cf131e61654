// Our FoonyClient with the long-poll module (foonyLongPoll) against the mock's /lp/* routes over real HTTP, beside the
// official @foony/realtime 0.16 client; and the fallback from a blocked WebSocket and back.
import { type Realtime, type MessageFrame } from '@foony/realtime';
import type { WebSocketConstructor } from '@polysocket/core';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  foonyBinaryWire,
  foonyLongPoll,
  type FoonyClient,
  type FoonyLongPollOptions,
  type FoonyMessage,
  type PresenceChange,
} from '@polysocket/foony';
import { gapAndResume } from '../helpers/gap-and-resume';
import { officialClient } from '../helpers/official';
import { foonyWorld, waitFor, type FoonyWorld } from '../helpers/setup';

let world: FoonyWorld;
let official: Realtime | undefined;
afterEach(async () => {
  await official?.close();
  official = undefined;
  await world?.close();
});

/** A `ws` that cannot connect while `blocked` (it dials a closed port instead), as behind a proxy that blocks WebSockets. */
class ToggleWebSocket extends WebSocket {
  static blocked = true;
  static created = 0;
  constructor(url: string, ...rest: unknown[]) {
    ToggleWebSocket.created++;
    super(ToggleWebSocket.blocked ? 'ws://127.0.0.1:1/' : url, ...(rest as []));
  }
}

const viaLongPoll = (w: FoonyWorld, clientId: string, options: FoonyLongPollOptions = { only: true }): FoonyClient =>
  w.client({ token: `user:${clientId}`, wire: foonyBinaryWire, fallback: foonyLongPoll(options) });
const transports = (w: FoonyWorld): string[] =>
  w.foony
    .sessionList()
    .map((s) => `${s.clientId}:${s.transport}`)
    .sort();
const line = (m: { clientId?: string; name: string; data: unknown }): string =>
  `${m.clientId ?? 'server'}:${m.name}:${JSON.stringify(m.data)}`;

describe('FoonyClient over long-poll (foonyLongPoll) against the mock', () => {
  it('publishes, receives and sees presence; ours on long-poll and the official client on WebSocket see each other once', async () => {
    world = await foonyWorld({ longPoll: { holdMs: 300 } });
    const ours = viaLongPoll(world, 'ann');
    official = officialClient(world.url, 'bob');
    await ours.connect();
    expect(transports(world)).toEqual(['ann:long-poll']);
    const ourChat = ours.channel('chat');
    const theirChat = official.channels.get('chat');
    const atOurs: FoonyMessage[] = [];
    const atTheirs: string[] = [];
    const changes: PresenceChange[] = [];
    ourChat.subscribe((m) => atOurs.push(m));
    ourChat.presence.subscribe((c) => changes.push(c));
    theirChat.subscribe((m: MessageFrame) => atTheirs.push(line(m)));
    await theirChat.attach();
    await waitFor(() => ourChat.state === 'attached', 'our channel attached');
    await theirChat.presence.enter({ role: 'official' });
    await waitFor(() => changes.length === 1, 'the official client’s enter');
    expect(changes[0]).toMatchObject({ action: 'enter', member: { clientId: 'bob' } });

    await ourChat.publish('hi', 'from long-poll');
    await theirChat.publish('hi', 'from websocket');
    await Promise.all([ourChat.publish('a', 1), ourChat.publish('b', 2), ourChat.publish('c', 3)]);
    world.foony.publish('chat', 'end', 0);
    const expected = [
      'ann:hi:"from long-poll"',
      'bob:hi:"from websocket"',
      'ann:a:1',
      'ann:b:2',
      'ann:c:3',
      'server:end:0',
    ];
    await waitFor(() => atOurs.length >= 6 && atTheirs.length >= 6, 'every message at both clients');
    expect(atOurs.map(line)).toEqual(expected);
    expect(atTheirs).toEqual(expected);
    expect(atOurs.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(world.foony.historyOf('chat')).toHaveLength(6);
    expect(transports(world)).toEqual(['ann:long-poll', 'bob:websocket']);
  });

  it('resumes after the server drops the session (same connectionId, no presence churn), and fills a gap by fetch', async () => {
    world = await foonyWorld({ longPoll: { holdMs: 300 } });
    const ours = viaLongPoll(world, 'ann');
    // The same scenario as on WebSocket (binary-wire.test.ts); the drop ends every long-poll session.
    await gapAndResume(world, ours, viaLongPoll(world, 'eve'), () => world.server.faults.drop('foony'));
    expect(transports(world)).toEqual(['ann:long-poll', 'eve:long-poll']);
  });

  it('close() says goodbye with /lp/disconnect: the presence leaves at once', async () => {
    world = await foonyWorld({ longPoll: { holdMs: 300 } });
    // The module passed as it is; the WebSocket blocked, so the client falls back.
    ToggleWebSocket.blocked = true;
    const ours = world.client({
      token: 'user:ann',
      wire: foonyBinaryWire,
      fallback: foonyLongPoll,
      WebSocket: ToggleWebSocket as unknown as WebSocketConstructor,
    });
    const watcher = world.client({ token: 'user:eve', wire: foonyBinaryWire });
    await Promise.all([ours.connect(), watcher.connect()]);
    expect(transports(world)).toEqual(['ann:long-poll', 'eve:websocket']);
    const changes: string[] = [];
    const room = watcher.channel('room');
    room.presence.subscribe((c) => changes.push(`${c.action}:${c.member.clientId}`));
    room.attach();
    await waitFor(() => room.state === 'attached', 'the watcher attached');
    await ours.channel('room').presence.enter();
    await waitFor(() => changes.length === 1, 'the enter');
    ours.close();
    await waitFor(() => changes.length === 2, 'the leave');
    expect(changes).toEqual(['enter:ann', 'leave:ann']);
    expect(world.foony.heldPresence).toBe(0);
  });
});

describe('the fallback: a blocked WebSocket, long-poll, and back to WebSocket', () => {
  it('falls back to long-poll when WebSockets fail, and moves back to WebSocket once a probe opens, keeping the session', async () => {
    world = await foonyWorld({ longPoll: { holdMs: 300 } });
    ToggleWebSocket.blocked = true;
    ToggleWebSocket.created = 0;
    const ours = world.client({
      token: 'user:ann',
      wire: foonyBinaryWire,
      fallback: foonyLongPoll({ reprobeMs: 1000 }),
      WebSocket: ToggleWebSocket as unknown as WebSocketConstructor,
    });
    const errors: string[] = [];
    ours.on('error', (e) => errors.push(e.code));
    const chat = ours.channel('chat');
    const got: number[] = [];
    chat.subscribe((m) => got.push(m.data as number));
    await ours.connect();
    expect(ToggleWebSocket.created).toBe(1);
    expect(transports(world)).toEqual(['ann:long-poll']);
    await waitFor(() => chat.state === 'attached', 'attached over long-poll');
    world.foony.publish('chat', 'n', 1);
    await waitFor(() => got.length === 1, 'a message over long-poll');
    const connectionId = ours.session!.connectionId;

    // A probe while still blocked fails quietly: the long-poll session stays.
    await waitFor(() => ToggleWebSocket.created >= 2, 'a probe');
    expect(ours.state).toBe('connected');
    expect(ours.session!.connectionId).toBe(connectionId);

    ToggleWebSocket.blocked = false;
    await waitFor(() => transports(world).join() === 'ann:websocket', 'moved to WebSocket');
    await waitFor(() => ours.state === 'connected', 'connected again');
    expect(ours.session!.connectionId).toBe(connectionId);
    world.foony.publish('chat', 'n', 2);
    await waitFor(() => got.length === 2, 'a message over WebSocket');
    expect(got).toEqual([1, 2]);
    // Only the first, blocked WebSocket attempt was reported; the probes are silent.
    expect(errors).toEqual(['DISCONNECTED']);
  });

  it('an auth refusal answered over a WebSocket never falls back', async () => {
    world = await foonyWorld();
    ToggleWebSocket.blocked = false;
    let requests = 0;
    const ours = world.client({
      token: 'invalid-token',
      wire: foonyBinaryWire,
      fallback: foonyLongPoll({
        fetch: (url, init) => {
          requests++;
          return fetch(url, init);
        },
      }),
      WebSocket: ToggleWebSocket as unknown as WebSocketConstructor,
    });
    await expect(ours.connect()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    expect(ours.state).toBe('failed');
    expect(requests).toBe(0);
  });

  it('an auth refusal answered over long-poll ends the client too', async () => {
    world = await foonyWorld();
    const ours = world.client({
      token: 'invalid-token',
      wire: foonyBinaryWire,
      fallback: foonyLongPoll({ only: true }),
    });
    await expect(ours.connect()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    expect(ours.state).toBe('failed');
  });
});
