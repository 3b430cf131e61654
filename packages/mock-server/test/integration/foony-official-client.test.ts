// Interop proof: the official @foony/realtime 0.16 client, over real sockets, against the mock's binary wire.
import { Realtime, type Channel, type MessageFrame, type PresenceEventFrame } from '@foony/realtime';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { foonyModule, MockServer, type FoonyMock, type FoonyMockOptions } from '@polysocket/mock-server';
import { waitFor } from '../../../../test/support/wait';

let server: MockServer | undefined;
let foony: FoonyMock;
const clients: Realtime[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  await server?.close();
  server = undefined;
});

async function start(options: FoonyMockOptions = {}): Promise<void> {
  foony = foonyModule(options);
  server = new MockServer({ modules: [foony] });
  await server.listen();
}

/** An official client authenticating as `clientId` (the mock's `user:<clientId>` tokens). */
function official(clientId: string, extra: Record<string, unknown> = {}): Realtime {
  const client = new Realtime({
    endpoint: server!.wsUrl('/foony'),
    token: `user:${clientId}`,
    webSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    transport: 'websocket',
    initialReconnectDelayMs: 50,
    maxReconnectDelayMs: 200,
    ...extra,
  });
  clients.push(client);
  return client;
}

/** Collects a channel's messages as `name:data`, with their serials. */
function collect(channel: Channel): { got: string[]; seqs: (number | undefined)[] } {
  const out = { got: [] as string[], seqs: [] as (number | undefined)[] };
  channel.subscribe((m: MessageFrame) => {
    out.got.push(`${m.name}:${JSON.stringify(m.data)}`);
    out.seqs.push(m.seq);
  });
  return out;
}

describe('the official @foony/realtime 0.16 client against the mock (binary WebSocket)', () => {
  it('two clients see each other’s messages once; the mock stores each publish as one batch with one serial', async () => {
    await start();
    const a = official('alice').channels.get('chat');
    const b = official('bob').channels.get('chat');
    const atA = collect(a);
    const atB = collect(b);
    await Promise.all([a.attach(), b.attach()]);
    await a.publish('hello', { from: 'a' });
    await b.publish('hello', { from: 'b' });
    await a.publish('bye', 1, { ephemeral: true });
    foony.publish('chat', 'end', 0); // in order after everything above: nothing can still be on its way
    const expected = ['hello:{"from":"a"}', 'hello:{"from":"b"}', 'bye:1', 'end:0'];
    await waitFor(() => atA.got.length >= 4 && atB.got.length >= 4, 'all four messages at both clients');
    expect(atA.got).toEqual(expected);
    expect(atB.got).toEqual(expected);
    const history = foony.historyOf('chat');
    expect(history.map((m) => m.serial)).toEqual([1, 2, 3]); // the ephemeral one was not stored
    expect(history[0]).toMatchObject({ clientId: 'alice', parts: [{ name: 'hello', data: { from: 'a' } }] });
    expect(foony.sessionList().map((s) => s.wire)).toEqual(['binary', 'binary']);
  });

  it('presence: a watcher gets the current members, then enter, update and leave', async () => {
    await start();
    const alice = official('alice').channels.get('room');
    await alice.presence.enter({ mood: 'fine' });
    const seen: string[] = [];
    const bob = official('bob').channels.get('room');
    bob.presence.on((e: PresenceEventFrame) => seen.push(`${e.action}:${e.clientId}:${JSON.stringify(e.data)}`));
    await waitFor(() => seen.length === 1, 'the snapshot');
    expect(seen).toEqual(['enter:alice:{"mood":"fine"}']);
    await alice.presence.update({ mood: 'busy' });
    await alice.presence.leave();
    await waitFor(() => seen.length === 3, 'update and leave');
    expect(seen).toEqual([
      'enter:alice:{"mood":"fine"}',
      'update:alice:{"mood":"busy"}',
      'leave:alice:{"mood":"busy"}',
    ]);
    expect(foony.membersOf('room')).toEqual([]);
  });

  it('history by serial: newest page first, each page oldest-first, `before` pages back', async () => {
    await start();
    for (let i = 1; i <= 5; i++) foony.publish('log', 'line', i);
    const log = official('alice').channels.get('log');
    const first = await log.history({ limit: 2 });
    expect(first.messages.map((m) => [m.seq, m.data])).toEqual([
      [4, 4],
      [5, 5],
    ]);
    expect(first.more).toBe(true);
    const second = await log.history({ limit: 2, before: first.messages[0].seq });
    expect(second.messages.map((m) => m.seq)).toEqual([2, 3]);
    expect(second.more).toBe(true);
    const last = await log.history({ limit: 2, before: 2 });
    expect(last.messages.map((m) => m.seq)).toEqual([1]);
    expect(last.more).toBe(false);
  });

  it('resume after a drop: the same connectionId, no presence churn, what was missed replayed once', async () => {
    await start();
    const client = official('alice');
    const feed = client.channels.get('feed');
    const got = collect(feed);
    const attached: boolean[] = [];
    feed.on('attached', (change) => attached.push(change.resumed));
    await feed.attach();
    await feed.presence.enter({ here: true });
    const watcher = official('bob').channels.get('feed');
    const seen: string[] = [];
    watcher.presence.on((e: PresenceEventFrame) => seen.push(`${e.action}:${e.clientId}`));
    foony.publish('feed', 'n', 1);
    foony.publish('feed', 'n', 2);
    await waitFor(() => got.got.length === 2 && seen.length === 1, 'two messages and the snapshot');

    const connectionId = client.getConnectionId()!;
    const down = client.connection.once('disconnected');
    foony.connectionOf(connectionId)!.drop();
    await down;
    foony.publish('feed', 'n', 3); // while alice is away
    foony.publish('feed', 'n', 4);
    await waitFor(() => got.got.length >= 4, 'the replay');
    foony.publish('feed', 'n', 5);
    await waitFor(() => got.got.length >= 5, 'the live message after the resume');
    foony.publish('feed', 'end', 0);
    await waitFor(() => got.got.length >= 6, 'the sentinel');

    expect(got.got).toEqual(['n:1', 'n:2', 'n:3', 'n:4', 'n:5', 'end:0']);
    expect(got.seqs).toEqual([1, 2, 3, 4, 5, 6]);
    expect(attached).toEqual([false, true]); // the first attach had no cursor; the resume did
    expect(client.getConnectionId()).toBe(connectionId);
    expect(seen).toEqual(['enter:alice']); // no leave/enter churn for the watcher
    expect(foony.membersOf('feed').map((m) => m.connectionId)).toEqual([connectionId]);
  });

  it('exactly-once publish: a publish whose ack is lost to a drop is resent with its messageId and stored once', async () => {
    await start();
    const alice = official('alice').channels.get('once');
    const bob = official('bob').channels.get('once');
    const atAlice = collect(alice);
    const atBob = collect(bob);
    await Promise.all([alice.attach(), bob.attach()]);
    foony.publish('once', 'start', 0); // a cursor for both, so a resume replays what a drop cut off
    await waitFor(() => atAlice.got.length === 1 && atBob.got.length === 1, 'the baseline');
    foony.dropBeforeAck('once');
    await alice.publish('n', 1); // stored, connection dropped before the ack; resolves on the resend's ack
    foony.publish('once', 'end', 0);
    await waitFor(() => atAlice.got.length >= 3 && atBob.got.length >= 3, 'the sentinel at both');
    expect(atBob.got).toEqual(['start:0', 'n:1', 'end:0']);
    expect(atAlice.got).toEqual(['start:0', 'n:1', 'end:0']);
    expect(foony.historyOf('once').map((m) => m.serial)).toEqual([1, 2, 3]);
    expect(foony.requestsFor('once')).toMatchObject({ pub: 2, resent: 1 });
  });

  it('a gap in live delivery is filled by fetch; every message arrives once', async () => {
    await start();
    const gappy = official('alice').channels.get('gappy');
    const got = collect(gappy);
    await gappy.attach();
    foony.publish('gappy', 'n', 1);
    await waitFor(() => got.got.length === 1, 'the baseline');
    foony.dropLive('gappy', [2, 3]);
    for (let i = 2; i <= 5; i++) foony.publish('gappy', 'n', i);
    await waitFor(() => got.got.length >= 5, 'the gap filled');
    foony.publish('gappy', 'end', 0);
    await waitFor(() => got.got.length >= 6, 'the sentinel');
    // The official client delivers the gapped message before the fetched ones; each exactly once.
    expect([...got.seqs].sort((x, y) => x! - y!)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(got.seqs[0]).toBe(1);
    expect(got.seqs.at(-1)).toBe(6);
    expect(foony.requestsFor('gappy')).toMatchObject({ sub: 1, fetch: 1 }); // healed by one fetch, not a resubscribe
  });

  it('bundles: messages of one tick arrive as one record and are all delivered once, in order', async () => {
    await start({ bundle: true });
    const client = official('alice');
    const burst = client.channels.get('burst');
    const got = collect(burst);
    await burst.attach();
    for (let i = 1; i <= 20; i++) foony.publish('burst', 'n', i);
    await burst.publish([
      { name: 'x', data: 'a' },
      { name: 'y', data: 'b' },
    ]);
    await waitFor(() => got.got.length >= 22, 'the burst');
    expect(got.got).toEqual([...Array.from({ length: 20 }, (_, i) => `n:${i + 1}`), 'x:"a"', 'y:"b"']);
    expect(got.seqs.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});

/** A WebSocket the network blocks: it is created, then closes (1006) without ever opening. */
class BlockedWebSocket {
  static created = 0;
  readyState = 0;
  binaryType = 'arraybuffer';
  private readonly listeners = new Map<string, ((event: unknown) => void)[]>();
  constructor(readonly url: string) {
    BlockedWebSocket.created++;
    setTimeout(() => {
      this.readyState = 3;
      for (const listener of this.listeners.get('close') ?? []) listener({ code: 1006, reason: '' });
    }, 0);
  }
  addEventListener(type: string, listener: (event: unknown) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  removeEventListener(type: string, listener: (event: unknown) => void): void {
    this.listeners.set(
      type,
      (this.listeners.get(type) ?? []).filter((l) => l !== listener),
    );
  }
  send(): void {
    throw new Error('not open');
  }
  close(): void {}
}

describe('the official client falls back to the mock’s long-poll when WebSockets are blocked', () => {
  it('connects over /lp/*, and publishes and receives with a WebSocket client on the same channel', async () => {
    await start({ longPoll: { holdMs: 500 } });
    const polling = official('lp-ann', {
      webSocket: BlockedWebSocket as unknown as typeof globalThis.WebSocket,
      transport: 'auto',
    });
    const viaPoll = polling.channels.get('chat');
    const viaSocket = official('ws-bob').channels.get('chat');
    const atPoll = collect(viaPoll);
    const atSocket = collect(viaSocket);
    await Promise.all([viaPoll.attach(), viaSocket.attach()]);
    expect(BlockedWebSocket.created).toBeGreaterThan(0);
    expect(
      foony
        .sessionList()
        .map((s) => `${s.clientId}:${s.transport}`)
        .sort(),
    ).toEqual(['lp-ann:long-poll', 'ws-bob:websocket']);

    const seen: string[] = [];
    viaSocket.presence.on((e: PresenceEventFrame) => seen.push(`${e.action}:${e.clientId}`));
    await viaPoll.presence.enter();
    await viaPoll.publish('hi', 'from long-poll');
    await viaSocket.publish('hi', 'from websocket');
    foony.publish('chat', 'end', 0);
    const expected = ['hi:"from long-poll"', 'hi:"from websocket"', 'end:0'];
    await waitFor(() => atPoll.got.length >= 3 && atSocket.got.length >= 3, 'every message on both transports');
    expect(atPoll.got).toEqual(expected);
    expect(atSocket.got).toEqual(expected);

    await polling.close(); // POST /lp/disconnect: presence leaves at once, no grace period
    await waitFor(() => seen.includes('leave:lp-ann'), 'the leave');
    expect(seen).toEqual(['enter:lp-ann', 'leave:lp-ann']);
    expect(foony.heldPresence).toBe(0);
  });

  it('resumes over long-poll after the server drops the session: same connectionId, the missed messages once', async () => {
    await start({ longPoll: { holdMs: 500 } });
    const client = official('lp-cat', {
      webSocket: BlockedWebSocket as unknown as typeof globalThis.WebSocket,
      transport: 'long-polling',
    });
    const feed = client.channels.get('feed');
    const got = collect(feed);
    await feed.attach();
    foony.publish('feed', 'n', 1);
    await waitFor(() => got.got.length === 1, 'the first message');
    const connectionId = client.getConnectionId();
    const down = client.connection.once('disconnected');
    server!.faults.drop('foony'); // ends the long-poll session; its held poll is cut
    await down;
    foony.publish('feed', 'n', 2);
    await waitFor(() => got.got.length >= 2, 'the replay');
    foony.publish('feed', 'end', 0);
    await waitFor(() => got.got.length >= 3, 'the sentinel');
    expect(got.got).toEqual(['n:1', 'n:2', 'end:0']);
    expect(client.getConnectionId()).toBe(connectionId);
    expect(foony.sessionList()).toMatchObject([{ connectionId, transport: 'long-poll' }]);
  });
});
