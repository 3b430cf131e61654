import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PolySocketError } from '@polysocket/core';
import { decodeBinary, decodeFrame, type BinaryServerFrame } from '@polysocket/foony';
import { decodeEnvelope } from '@polysocket/ignis';
import { decodePayload, PacketDecoder, parseHandshake } from '@polysocket/socketio';
import { encodeServerFrame, frameBinaryRecord } from '../../node_modules/@foony/realtime/lib/binary.js';

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

  it('Foony binary records: random bytes, and real records mutated (bytes flipped, cut, spliced)', () => {
    // Real server records to mutate, written by the official client's encoder (the service's layout).
    const record = (frame: Parameters<typeof encodeServerFrame>[0]): Uint8Array =>
      frameBinaryRecord(encodeServerFrame(frame));
    const msg = { t: 'msg', channel: 'c', name: 'n', data: { a: [1, 'é'] }, timestamp: 1700000000000 } as const;
    const seeds: Uint8Array[] = [
      record({ t: 'pong' }),
      record({ t: 'ack', id: 3, seq: 5, resumed: true }),
      record({ t: 'connected', connectionId: 'c-1', keepAliveMs: 15000, clientId: 'ann' }),
      record({ ...msg, messageId: 'm1', clientId: 'bob', seq: 9, encoding: 'e' }),
      record({ ...msg, messageId: 'b', seq: 2, messages: [{ name: 'p', data: 1 }] }),
      record({
        ...msg,
        messageId: '',
        bundle: [
          { ...msg, messageId: 'x', seq: 1 },
          { ...msg, messageId: 'y' },
        ],
      }),
      record({ t: 'presEvt', channel: 'c', action: 'update', clientId: 'a', connectionId: 'c', data: 1, timestamp: 3 }),
      record({ t: 'err', id: 2, code: 40102, message: 'token expired' }),
      record({ t: 'histRes', id: 1, channel: 'c', more: true, messages: [{ ...msg, messageId: 'h', seq: 4 }] }),
      record({ t: 'fetchRes', id: 1, channel: 'c', resumed: false, messages: [{ ...msg, messageId: 'f', seq: 5 }] }),
    ];
    // Every seed is a good record before it is mutated.
    for (const seed of seeds) decodeBinary(seed, () => undefined);
    let decoded = 0;
    const kinds = ['connected', 'ack', 'msg', 'presEvt', 'err', 'pong', 'histRes', 'fetchRes'];
    const mutated = fc
      .tuple(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(),
      )
      .map(([seed, flips, cut]) => {
        const bytes = seed.slice();
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        return bytes.subarray(0, 1 + (cut % bytes.length));
      });
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      mutated,
      fc.array(fc.oneof(mutated, fc.constantFrom(...seeds)), { maxLength: 4 }).map((parts) => {
        const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        parts.reduce((at, part) => (out.set(part, at), at + part.length), 0);
        return out;
      }),
    );
    fc.assert(
      fc.property(input, (bytes) => {
        const frames: BinaryServerFrame[] = [];
        onlyProtocolErrors(() => decodeBinary(bytes, (frame) => frames.push(frame)));
        decoded += frames.length;
        for (const frame of frames) {
          expect(kinds).toContain(frame.t);
          if (frame.t === 'msg') {
            expect(typeof frame.channel === 'string' && typeof frame.messageId === 'string').toBe(true);
            expect(Number.isSafeInteger(frame.timestamp)).toBe(true);
          }
          if (frame.t === 'ack' || frame.t === 'err')
            expect(Number.isSafeInteger(frame.t === 'ack' ? frame.id : frame.code)).toBe(true);
        }
      }),
      settings,
    );
    // The mutations are not all garbage: many still decode, so the shape checks above ran.
    expect(decoded).toBeGreaterThan(RUNS / 10);
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
