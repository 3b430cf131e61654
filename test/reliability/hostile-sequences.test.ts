import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PolySocketError } from '@polysocket/core';
import {
  flush,
  foonySetup,
  ignisSetup,
  socketIoSetup,
  sockrSetup,
  type MemoryClientSetup,
} from './support/memory-clients';

/**
 * Connected clients fed hostile frame sequences over the in-memory transport: nothing escapes to the
 * caller (an exception would fail the run as unhandled), every malformed frame is exactly one `error`
 * event, and the client is still connected and usable afterwards. Seeded.
 */
const FULL = process.env.RELIABILITY_FULL === '1';
const RUNS = FULL ? 2_000 : 200;
const SEED = 20261123;

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

async function run(name: string, make: () => Promise<MemoryClientSetup>, shaped: fc.Arbitrary<string>): Promise<void> {
  await fc.assert(
    fc.asyncProperty(hostile(shaped), async (frames) => {
      const setup = await make();
      const errors: PolySocketError[] = [];
      setup.client.on('error', (error) => errors.push(error));
      for (const frame of frames) setup.peer().send(frame.text);
      await flush();
      // Every error is a typed one; malformed input is reported, never thrown.
      for (const error of errors)
        expect([
          'PROTOCOL',
          'SERVER',
          'AUTH_FAILED',
          'FORBIDDEN',
          'NOT_FOUND',
          'RATE_LIMITED',
          'INVALID',
          'LISTENER',
        ]).toContain(error.code);
      expect(errors.length).toBeLessThanOrEqual(frames.length);
      if (setup.client.state === 'connected') await setup.alive();
      setup.close();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }),
    { numRuns: RUNS, seed: SEED },
  );
  void name;
}

describe(`each certainly-malformed frame is exactly one PROTOCOL error (${RUNS / 4} sequences per client, seed ${SEED})`, () => {
  // `{` plus anything is never a valid frame: not JSON, or a JSON object where each protocol wants its own shape
  // (Foony needs a known `t`, Ignis an `event`, a Socket.IO EVENT an array).
  const clients: [string, () => Promise<MemoryClientSetup>, string][] = [
    ['Foony', foonySetup, ''],
    ['Ignis', ignisSetup, ''],
    ['Socket.IO', socketIoSetup, '42'],
    ['Sockr', sockrSetup, '42'],
  ];
  for (const [name, make, prefix] of clients) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.string(), { minLength: 1, maxLength: 12 }), async (tails) => {
          const setup = await make();
          const errors: PolySocketError[] = [];
          setup.client.on('error', (error) => errors.push(error));
          for (const tail of tails) setup.peer().send(`${prefix}{${tail}`);
          await flush();
          expect(errors.map((e) => e.code)).toEqual(tails.map(() => 'PROTOCOL'));
          await setup.alive();
          setup.close();
        }),
        { numRuns: RUNS / 4, seed: SEED },
      );
    });
  }
});

describe(`clients under hostile frame sequences (${RUNS} sequences each, seed ${SEED})`, () => {
  it('Foony', async () => {
    const shaped = fc
      .record({
        t: fc.constantFrom('msg', 'presEvt', 'err', 'ack', 'histRes', 'connected', 'pong'),
        id: anyJson,
        channel: fc.constantFrom('c', 'x'),
        name: anyJson,
        data: anyJson,
        timestamp: anyJson,
        messageId: anyJson,
        action: anyJson,
        clientId: anyJson,
        connectionId: anyJson,
        code: anyJson,
        message: anyJson,
      })
      .map((f) => JSON.stringify(f));
    await run('foony', foonySetup, shaped);
  });

  it('Ignis', async () => {
    const shaped = fc
      .record({ event: fc.constantFrom('error', 'encrypted', 'connected', 'tick'), data: anyJson, id: anyJson })
      .map((f) => JSON.stringify(f));
    await run('ignis', ignisSetup, shaped);
  });

  it('Socket.IO', async () => {
    const shaped = fc
      .tuple(
        fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '40', '41', '42', '43', '44', '45', '451-', '42/x,'),
        anyJson,
      )
      .map(([prefix, data]) => `${prefix}${JSON.stringify(data)}`);
    await run('socketio', socketIoSetup, shaped);
  });

  it('Sockr', async () => {
    const events = [
      'receive_message',
      'group_receive_message',
      'group_joined',
      'message_delivered',
      'message_error',
      'typing_start',
      'group_typing_start',
      'call_incoming',
      'call_ringing',
      'call_ended',
      'call_ice_candidate',
      'conference_started',
      'conference_participant_joined',
      'user_online',
      'online_status',
      'authenticated',
    ];
    const poison = { toString: null, valueOf: null };
    const payload = fc.oneof(
      anyJson,
      fc.constantFrom(
        {
          messageId: poison,
          from: poison,
          content: poison,
          timestamp: poison,
          groupId: poison,
          callId: poison,
          error: poison,
          userId: poison,
        },
        { messageId: 'm1', from: poison, content: 'x', timestamp: 1 },
        { groupId: 'g', queuedMessages: [{ id: poison }], group: poison },
        { callId: poison, from: 'x', sdpOffer: poison, iceServers: poison },
      ),
    );
    const shaped = fc
      .tuple(fc.constantFrom(...events), payload)
      .map(([event, data]) => `42${JSON.stringify([event, data])}`);
    await run('sockr', sockrSetup, shaped);
  });
});
