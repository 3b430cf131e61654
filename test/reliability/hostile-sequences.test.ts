import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryServer, type MemoryPeer, type PolySocketError } from '@polysocket/core';
import { FoonyClient } from '@polysocket/foony';
import { IgnisClient } from '@polysocket/ignis';
import { SocketIOClient } from '@polysocket/socketio';
import { SockrClient } from '@polysocket/sockr';

/**
 * Connected clients fed hostile frame sequences over the in-memory transport: nothing escapes to the
 * caller (an exception would fail the run as unhandled), every malformed frame is exactly one `error`
 * event, and the client is still connected and usable afterwards. Seeded.
 */
const FULL = process.env.RELIABILITY_FULL === '1';
const RUNS = FULL ? 2_000 : 200;
const SEED = 20261123;
const quiet = { browser: { network: null, document: null } } as const;

const flush = async (): Promise<void> => {
  for (let i = 0; i < 30; i++) await Promise.resolve();
};
const anyJson = fc.jsonValue({ maxDepth: 3 });
const hostile = (shaped: fc.Arbitrary<string>) =>
  fc.array(
    fc.oneof(
      fc.string().map((text) => ({ text, bad: 'maybe' as const })),
      anyJson.map((value) => ({ text: JSON.stringify(value), bad: 'maybe' as const })),
      shaped.map((text) => ({ text, bad: 'maybe' as const })),
    ),
    { maxLength: 12 },
  );

/** An in-memory Engine.IO + Socket.IO peer: open packet, CONNECT reply, then `onText` for every later text frame. */
function socketIoMemoryServer(onText: (peer: MemoryPeer, text: string) => void): MemoryServer {
  const server = new MemoryServer();
  server.onConnection = (peer) => {
    peer.send('0{"sid":"e1","upgrades":[],"pingInterval":300000,"pingTimeout":300000,"maxPayload":1000000}');
    peer.onMessage = (data) => {
      const text = String(data);
      if (text.startsWith('40')) peer.send('40{"sid":"s1"}');
      else onText(peer, text);
    };
  };
  return server;
}

interface Setup {
  server: MemoryServer;
  client: { close(): void; state: string; on(event: 'error', listener: (error: PolySocketError) => void): unknown };
  peer: () => MemoryPeer;
  alive: () => Promise<void>;
}

async function run(name: string, make: () => Promise<Setup>, shaped: fc.Arbitrary<string>): Promise<void> {
  await fc.assert(
    fc.asyncProperty(hostile(shaped), async (frames) => {
      const setup = await make();
      const errors: PolySocketError[] = [];
      setup.client.on('error', (error) => errors.push(error));
      for (const frame of frames) setup.peer().send(frame.text);
      await flush();
      // Every error is a typed one; malformed input is reported, never thrown.
      for (const error of errors) expect(['PROTOCOL', 'SERVER', 'AUTH_FAILED', 'FORBIDDEN', 'NOT_FOUND', 'RATE_LIMITED', 'INVALID', 'LISTENER']).toContain(error.code);
      expect(errors.length).toBeLessThanOrEqual(frames.length);
      if (setup.client.state === 'connected') await setup.alive();
      setup.client.close();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }),
    { numRuns: RUNS, seed: SEED },
  );
  void name;
}

describe(`clients under hostile frame sequences (${RUNS} sequences each, seed ${SEED})`, () => {
  it('Foony', async () => {
    const shaped = fc
      .record({ t: fc.constantFrom('msg', 'presEvt', 'err', 'ack', 'histRes', 'connected', 'pong'), id: anyJson, channel: fc.constantFrom('c', 'x'), name: anyJson, data: anyJson, timestamp: anyJson, messageId: anyJson, action: anyJson, clientId: anyJson, connectionId: anyJson, code: anyJson, message: anyJson })
      .map((f) => JSON.stringify(f));
    await run(
      'foony',
      async () => {
        const server = new MemoryServer();
        server.onConnection = (peer) => {
          peer.onMessage = (data) => {
            const frame = JSON.parse(String(data)) as { t: string; id?: number };
            if (frame.t === 'auth') peer.send(JSON.stringify({ t: 'connected', connectionId: 'c1', keepAliveMs: 0, clientId: 'me' }));
            else if (frame.id !== undefined) peer.send(JSON.stringify({ t: 'ack', id: frame.id }));
          };
        };
        const client = new FoonyClient({ url: 'ws://memory', token: 'valid-token', transport: server.transport, ...quiet });
        client.channel('c').subscribe(() => undefined);
        await client.connect();
        await flush();
        return { server, client, peer: () => server.last!, alive: () => client.channel('c').publish('n', 1) };
      },
      shaped,
    );
  });

  it('Ignis', async () => {
    const shaped = fc.record({ event: fc.constantFrom('error', 'encrypted', 'connected', 'tick'), data: anyJson, id: anyJson }).map((f) => JSON.stringify(f));
    await run(
      'ignis',
      async () => {
        const server = new MemoryServer();
        server.onConnection = (peer) => {
          peer.onMessage = (data) => {
            const frame = JSON.parse(String(data)) as { event: string; id?: string; data?: unknown };
            if (frame.event === 'authenticate') peer.send(JSON.stringify({ event: 'connected', data: { id: 'c1', time: new Date().toISOString() } }));
            else if (frame.event === 'echo') peer.send(JSON.stringify({ event: 'echo', data: frame.data, id: frame.id }));
          };
        };
        const client = new IgnisClient({ url: 'ws://memory', auth: { token: 't' }, heartbeatIntervalMs: 0, transport: server.transport, ...quiet });
        client.on('tick', () => undefined);
        await client.connect();
        return { server, client, peer: () => server.last!, alive: async () => void (await client.request('echo', 1)) };
      },
      shaped,
    );
  });

  it('Socket.IO', async () => {
    const shaped = fc
      .tuple(fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '40', '41', '42', '43', '44', '45', '451-', '42/x,'), anyJson)
      .map(([prefix, data]) => `${prefix}${JSON.stringify(data)}`);
    await run(
      'socketio',
      async () => {
        const server = socketIoMemoryServer((peer, text) => {
          const ack = /^42(\d+)\["echo"/.exec(text);
          if (ack) peer.send(`43${ack[1]}["ok"]`);
        });
        const client = new SocketIOClient({ url: 'http://memory', transports: ['websocket'], autoConnect: false, ...quiet });
        // The WebSocket transport is swapped for the in-memory one.
        (client as unknown as { makeTransport: () => unknown }).makeTransport = () => server.transport();
        client.on('tick', () => undefined);
        await client.connect();
        const alive = async (): Promise<void> => {
          if (client.connected) expect(await client.emitWithAck('echo')).toBe('ok');
        };
        return { server, client: client.connection as unknown as Setup['client'], peer: () => server.last!, alive };
      },
      shaped,
    );
  });

  it('Sockr', async () => {
    const events = ['receive_message', 'group_receive_message', 'group_joined', 'message_delivered', 'message_error', 'typing_start', 'group_typing_start', 'call_incoming', 'call_ringing', 'call_ended', 'call_ice_candidate', 'conference_started', 'conference_participant_joined', 'user_online', 'online_status', 'authenticated'];
    const poison = { toString: null, valueOf: null };
    const payload = fc.oneof(
      anyJson,
      fc.constantFrom(
        { messageId: poison, from: poison, content: poison, timestamp: poison, groupId: poison, callId: poison, error: poison, userId: poison },
        { messageId: 'm1', from: poison, content: 'x', timestamp: 1 },
        { groupId: 'g', queuedMessages: [{ id: poison }], group: poison },
        { callId: poison, from: 'x', sdpOffer: poison, iceServers: poison },
      ),
    );
    const shaped = fc.tuple(fc.constantFrom(...events), payload).map(([event, data]) => `42${JSON.stringify([event, data])}`);
    await run(
      'sockr',
      async () => {
        const server = socketIoMemoryServer((peer, text) => {
          if (text.startsWith('42["authenticate"')) peer.send('42["authenticated",{"userId":"me","socketId":"s1"}]');
          if (text.startsWith('42["get_online_status"')) peer.send('42["online_status",{"statuses":{"x":true}}]');
        });
        const client = new SockrClient({ url: 'http://memory', token: 't', autoConnect: false, catchUp: false, ...quiet });
        (client.io as unknown as { makeTransport: () => unknown }).makeTransport = () => server.transport();
        client.on('message', () => undefined);
        client.on('group_message', () => undefined);
        await client.connect();
        const errors: PolySocketError[] = [];
        client.io.connection.on('error', (e) => errors.push(e));
        return {
          server,
          client: client.io.connection as unknown as Setup['client'],
          peer: () => server.last!,
          alive: async () => {
            expect(await client.getOnlineStatus(['x'])).toEqual({ x: true });
            expect(errors.filter((e) => e.code === 'LISTENER')).toEqual([]);
          },
        };
      },
      shaped,
    );
  });
});
