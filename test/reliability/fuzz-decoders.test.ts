import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PolySocketError } from '@polysocket/core';
import { decodeFrame } from '@polysocket/foony';
import { decodeEnvelope } from '@polysocket/ignis';
import { decodePayload, PacketDecoder, parseHandshake } from '@polysocket/socketio';

/**
 * Every decoder, fed random and structurally-wrong frames: the only exception it may throw is a
 * PROTOCOL PolySocketError, a decoded frame has the shape it claims, `__proto__` stays inert. Seeded;
 * `RELIABILITY_FULL=1` (npm run test:reliability) runs 100,000 frames per property, the default run fewer.
 */
const FULL = process.env.RELIABILITY_FULL === '1';
const RUNS = FULL ? 100_000 : 5_000;
const SEED = 20261123;
const settings = { numRuns: RUNS, seed: SEED };

function onlyProtocolErrors(decode: () => unknown): unknown {
  try {
    return decode();
  } catch (error) {
    if (!(error instanceof PolySocketError) || error.code !== 'PROTOCOL') throw error;
    return undefined;
  }
}

const anyJson = fc.jsonValue({ maxDepth: 4 });
/** Objects shaped like frames of a protocol, with every field of a random type. */
const frameLike = (discriminator: string, values: string[], fields: string[]) =>
  fc.record(
    Object.fromEntries([
      [discriminator, fc.oneof(fc.constantFrom(...values), anyJson)],
      ...fields.map((f) => [f, anyJson]),
    ]) as Record<string, fc.Arbitrary<unknown>>,
    { requiredKeys: [discriminator] as never[] },
  );
const hostileText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  anyJson.map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    '[]',
    'null',
    '""',
    '{',
  ),
);

function prototypeIntact(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
}

describe(`decoders under fuzzing (${RUNS.toLocaleString('en')} frames per property, seed ${SEED})`, () => {
  it('Foony: random text and frame-shaped objects', () => {
    const foonyShaped = frameLike(
      't',
      ['connected', 'ack', 'msg', 'presEvt', 'err', 'pong', 'histRes'],
      [
        'id',
        'channel',
        'name',
        'data',
        'timestamp',
        'messageId',
        'clientId',
        'action',
        'connectionId',
        'code',
        'message',
        'messages',
        'more',
        'keepAliveMs',
      ],
    );
    fc.assert(
      fc.property(
        fc.oneof(
          hostileText,
          foonyShaped.map((f) => JSON.stringify(f)),
        ),
        (text) => {
          const frame = onlyProtocolErrors(() => decodeFrame(text)) as { t?: unknown } | undefined;
          if (frame) expect(['connected', 'ack', 'msg', 'presEvt', 'err', 'pong', 'histRes']).toContain(frame.t);
        },
      ),
      settings,
    );
    prototypeIntact();
  });

  it('Ignis envelope: random text and envelope-shaped objects', () => {
    const shaped = frameLike('event', ['connected', 'error', 'encrypted', 'tick'], ['data', 'id']);
    fc.assert(
      fc.property(
        fc.oneof(
          hostileText,
          shaped.map((f) => JSON.stringify(f)),
        ),
        (text) => {
          const envelope = onlyProtocolErrors(() => decodeEnvelope(text)) as { event?: unknown } | undefined;
          if (envelope) expect(typeof envelope.event === 'string' && envelope.event.length > 0).toBe(true);
        },
      ),
      settings,
    );
    prototypeIntact();
  });

  it('Engine.IO: polling payloads and open packets', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostileText,
          fc.array(fc.string(), { maxLength: 5 }).map((parts) => parts.join('\x1e')),
        ),
        (text) => {
          const packets = onlyProtocolErrors(() => decodePayload(text));
          if (packets) expect(Array.isArray(packets)).toBe(true);
          const handshake = onlyProtocolErrors(() => parseHandshake(text)) as { sid?: unknown } | undefined;
          if (handshake) expect(typeof handshake.sid).toBe('string');
        },
      ),
      settings,
    );
  });

  it('Socket.IO: packet sequences (text and binary attachments); the decoder recovers after each bad one', () => {
    const packetText = fc.oneof(
      hostileText,
      fc
        .tuple(
          fc.integer({ min: 0, max: 9 }),
          fc.constantFrom('', '1-', '3-', '99-', 'x-'),
          fc.constantFrom('', '/chat,', '/', '/a'),
          fc.constantFrom('', '7', '12345678901234567890'),
          anyJson,
        )
        .map(([type, attachments, nsp, id, data]) => `${type}${attachments}${nsp}${id}${JSON.stringify(data)}`),
      anyJson.map(
        (data) => `51-${JSON.stringify(['e', { _placeholder: true, num: typeof data === 'number' ? data : 0 }, data])}`,
      ),
    );
    const step = fc.oneof(
      packetText.map((text) => ({ text })),
      fc.uint8Array({ maxLength: 8 }).map((bytes) => ({ bytes })),
    );
    let frames = 0;
    fc.assert(
      fc.property(fc.array(step, { maxLength: 6 }), (steps) => {
        const decoder = new PacketDecoder();
        frames += steps.length;
        for (const s of steps) {
          const packet = onlyProtocolErrors(() =>
            'text' in s ? decoder.addText(s.text) : decoder.addBinary(s.bytes),
          ) as { type?: unknown; nsp?: unknown } | undefined;
          if (packet) {
            expect(typeof packet.nsp).toBe('string');
            expect([0, 1, 2, 3, 4]).toContain(packet.type);
          }
        }
        // Whatever happened before, a good packet still decodes.
        decoder.reset();
        expect(decoder.addText('2["ok"]')).toMatchObject({ data: ['ok'] });
      }),
      // Sequences of up to 6 frames: RUNS / 2 sequences carry over RUNS frames (asserted below).
      { ...settings, numRuns: Math.ceil(RUNS / 2) },
    );
    expect(frames).toBeGreaterThanOrEqual(RUNS);
    prototypeIntact();
  });
});
