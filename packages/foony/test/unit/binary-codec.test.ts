import { describe, expect, it } from 'vitest';
import { PolySocketError } from '@polysocket/core';
import { decodeBinary, encodeBinary, type BinaryClientFrame, type BinaryServerFrame } from '@polysocket/foony';
// The official client's own codec (0.16), read straight from its build: the golden reference for the byte layout.
import {
  decodeClientFrame,
  encodeClientFrame,
  encodeServerFrame,
  frameBinaryRecord,
} from '../../../../node_modules/@foony/realtime/lib/binary.js';

type OfficialServerFrame = Parameters<typeof encodeServerFrame>[0];
type OfficialClientFrame = Parameters<typeof encodeClientFrame>[0];

const decodeAll = (data: Uint8Array | ArrayBuffer): BinaryServerFrame[] => {
  const frames: BinaryServerFrame[] = [];
  decodeBinary(data, (frame) => frames.push(frame));
  return frames;
};
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) out.set(part, (at += part.length) - part.length);
  return out;
};
/** One record of the official encoder, framed as the service sends it. */
const official = (frame: OfficialServerFrame): Uint8Array => frameBinaryRecord(encodeServerFrame(frame));

const clientFrames: BinaryClientFrame[] = [
  { t: 'auth', token: 'tok', clientId: 'ann', resumeConnectionId: 'c-1' },
  { t: 'auth', key: 'app.key:secret' },
  { t: 'sub', id: 1, channel: 'room', lastSerial: 300 },
  { t: 'sub', id: 2, channel: 'room' },
  { t: 'unsub', id: 3, channel: 'room' },
  { t: 'presSub', id: 4, channel: 'room' },
  { t: 'presUnsub', id: 5, channel: 'room' },
  { t: 'pub', id: 6, channel: 'room', name: 'chat', data: { text: 'héllo ✓', n: [1, 2] }, messageId: '1700-ab12cd34' },
  { t: 'pub', id: 7, channel: 'room', name: 'x', data: undefined, messageId: 'm', ephemeral: true, encoding: 'utf-8' },
  {
    t: 'pub',
    id: 2 ** 40,
    channel: 'ルーム',
    name: '',
    data: null,
    messageId: 'b1',
    messages: [
      { name: 'a', data: 1 },
      { name: 'b', data: 'two', encoding: 'cipher+aes-256-gcm/base64' },
    ],
  },
  { t: 'pres', id: 8, channel: 'room', action: 'enter', data: { status: 'here' } },
  { t: 'pres', id: 9, channel: 'room', action: 'update', data: 1, encoding: 'json' },
  { t: 'pres', id: 10, channel: 'room', action: 'leave' },
  { t: 'hist', id: 11, channel: 'room', limit: 50, before: 1234 },
  { t: 'hist', id: 12, channel: 'room' },
  { t: 'fetch', id: 13, channel: 'room', fromSerial: 41 },
  { t: 'ping' },
];

describe('Foony binary records: the bytes the official 0.16 client writes and reads', () => {
  it('every client frame encodes to exactly the official encoder’s bytes (and its decoder reads it back)', () => {
    for (const frame of clientFrames) {
      const ours = encodeBinary(frame);
      const theirs = frameBinaryRecord(encodeClientFrame(frame as unknown as OfficialClientFrame));
      expect([...ours], JSON.stringify(frame)).toEqual([...theirs]);
      // The record after its length prefix, as the service splits it.
      const decoded = decodeClientFrame(ours.subarray(ours[0] < 0x80 ? 1 : 2)) as unknown as Record<string, unknown>;
      expect(decoded.t).toBe(frame.t);
    }
  });

  it('decodes every server frame the official encoder writes, leaving absent fields absent', () => {
    const cases: [OfficialServerFrame, BinaryServerFrame[]][] = [
      [
        { t: 'connected', connectionId: 'c-1', keepAliveMs: 15000, clientId: 'ann' },
        [{ t: 'connected', connectionId: 'c-1', keepAliveMs: 15000, clientId: 'ann' }],
      ],
      [{ t: 'ack', id: 5 }, [{ t: 'ack', id: 5 }]],
      [{ t: 'ack', id: 5, seq: 77, resumed: false }, [{ t: 'ack', id: 5, seq: 77, resumed: false }]],
      [{ t: 'ack', id: 6, resumed: true }, [{ t: 'ack', id: 6, resumed: true }]],
      [
        {
          t: 'msg',
          channel: 'room',
          name: 'chat',
          data: { a: 'é' },
          timestamp: 1700000000123,
          messageId: 'm1',
          seq: 9,
        },
        [
          {
            t: 'msg',
            channel: 'room',
            name: 'chat',
            data: { a: 'é' },
            timestamp: 1700000000123,
            messageId: 'm1',
            seq: 9,
          },
        ],
      ],
      [
        {
          t: 'msg',
          channel: 'room',
          name: 'n',
          data: undefined,
          timestamp: 1,
          messageId: 'm2',
          clientId: 'bob',
          encoding: 'cipher+aes-256-gcm/base64',
          ephemeral: true,
        },
        [
          {
            t: 'msg',
            channel: 'room',
            name: 'n',
            data: undefined,
            timestamp: 1,
            messageId: 'm2',
            clientId: 'bob',
            encoding: 'cipher+aes-256-gcm/base64',
            ephemeral: true,
          },
        ],
      ],
      [
        // A bundle: independent messages in one record, one frame each.
        {
          t: 'msg',
          channel: 'room',
          name: '',
          data: undefined,
          timestamp: 0,
          messageId: '',
          bundle: [
            { name: 'a', data: 1, timestamp: 10, messageId: 'x1', clientId: 'ann', seq: 3 },
            { name: 'b', data: 2, timestamp: 11, messageId: 'x2', clientId: 'bob', seq: 4 },
            {
              name: '',
              data: undefined,
              timestamp: 12,
              messageId: 'x3',
              seq: 5,
              messages: [{ name: 'p', data: [1] }],
            },
          ],
        },
        [
          { t: 'msg', channel: 'room', name: 'a', data: 1, timestamp: 10, messageId: 'x1', clientId: 'ann', seq: 3 },
          { t: 'msg', channel: 'room', name: 'b', data: 2, timestamp: 11, messageId: 'x2', clientId: 'bob', seq: 4 },
          {
            t: 'msg',
            channel: 'room',
            name: '',
            data: undefined,
            timestamp: 12,
            messageId: 'x3',
            seq: 5,
            messages: [{ name: 'p', data: [1] }],
          },
        ],
      ],
      [
        // A client batch: one serial for its parts (the official decoder drops it; we keep it).
        {
          t: 'msg',
          channel: 'room',
          name: '',
          data: undefined,
          timestamp: 20,
          messageId: 'b1',
          clientId: 'ann',
          seq: 6,
          messages: [
            { name: 'a', data: 1 },
            { name: 'b', data: { z: null }, encoding: 'e' },
          ],
        },
        [
          {
            t: 'msg',
            channel: 'room',
            name: '',
            data: undefined,
            timestamp: 20,
            messageId: 'b1',
            clientId: 'ann',
            seq: 6,
            messages: [
              { name: 'a', data: 1 },
              { name: 'b', data: { z: null }, encoding: 'e' },
            ],
          },
        ],
      ],
      [
        {
          t: 'presEvt',
          channel: 'room',
          action: 'leave',
          clientId: 'ann',
          connectionId: 'c-1',
          data: { last: true },
          timestamp: 99,
        },
        [
          {
            t: 'presEvt',
            channel: 'room',
            action: 'leave',
            clientId: 'ann',
            connectionId: 'c-1',
            data: { last: true },
            timestamp: 99,
          },
        ],
      ],
      [
        { t: 'presEvt', channel: 'r', action: 'enter', clientId: 'a', connectionId: 'c', timestamp: 1, encoding: 'e' },
        [
          {
            t: 'presEvt',
            channel: 'r',
            action: 'enter',
            clientId: 'a',
            connectionId: 'c',
            timestamp: 1,
            encoding: 'e',
          },
        ],
      ],
      [{ t: 'err', code: 40102, message: 'token expired' }, [{ t: 'err', code: 40102, message: 'token expired' }]],
      [{ t: 'err', id: 4, code: 40300, message: 'no' }, [{ t: 'err', id: 4, code: 40300, message: 'no' }]],
      [{ t: 'pong' }, [{ t: 'pong' }]],
      [
        {
          t: 'histRes',
          id: 3,
          channel: 'room',
          more: true,
          messages: [{ t: 'msg', channel: 'room', name: 'a', data: 1, timestamp: 5, messageId: 'h1', seq: 1 }],
        },
        [
          {
            t: 'histRes',
            id: 3,
            channel: 'room',
            more: true,
            messages: [{ t: 'msg', channel: 'room', name: 'a', data: 1, timestamp: 5, messageId: 'h1', seq: 1 }],
          },
        ],
      ],
      [
        { t: 'histRes', id: 3, channel: 'room', messages: [] },
        [{ t: 'histRes', id: 3, channel: 'room', messages: [] }],
      ],
      [
        {
          t: 'fetchRes',
          id: 8,
          channel: 'room',
          resumed: true,
          messages: [{ t: 'msg', channel: 'room', name: 'a', data: 'x', timestamp: 5, messageId: 'f7', seq: 7 }],
        },
        [
          {
            t: 'fetchRes',
            id: 8,
            channel: 'room',
            resumed: true,
            messages: [{ t: 'msg', channel: 'room', name: 'a', data: 'x', timestamp: 5, messageId: 'f7', seq: 7 }],
          },
        ],
      ],
      [
        { t: 'fetchRes', id: 8, channel: 'room', resumed: false, messages: [] },
        [{ t: 'fetchRes', id: 8, channel: 'room', resumed: false, messages: [] }],
      ],
    ];
    for (const [frame, expected] of cases) expect(decodeAll(official(frame)), JSON.stringify(frame)).toEqual(expected);
  });

  it('reads coalesced records in order, from a Uint8Array view or an ArrayBuffer', () => {
    const message = concat(
      official({ t: 'ack', id: 1 }),
      official({ t: 'pong' }),
      official({ t: 'err', code: 50000, message: 'x' }),
    );
    const expected = [{ t: 'ack', id: 1 }, { t: 'pong' }, { t: 'err', code: 50000, message: 'x' }];
    expect(decodeAll(message)).toEqual(expected);
    expect(decodeAll(message.slice().buffer)).toEqual(expected);
    // A view into a larger buffer (ws hands out such Buffers).
    const padded = concat(new Uint8Array([9, 9, 9]), message, new Uint8Array([7]));
    expect(decodeAll(padded.subarray(3, 3 + message.length))).toEqual(expected);
  });

  it('a malformed record is skipped and reported once, after the good records around it', () => {
    const broken = new Uint8Array([3, 16, 0xff, 0xff]); // a pong with 2 bytes left over
    const badJson = frameBinaryRecord(Uint8Array.from([13, 1, 0, 1, 1, 0x61, 1, 0x62, 1, 0x7b, 0, 0, 0, 0]));
    const emitted: BinaryServerFrame[] = [];
    let thrown: unknown;
    try {
      decodeBinary(concat(official({ t: 'ack', id: 1 }), broken, badJson, official({ t: 'ack', id: 2 })), (f) =>
        emitted.push(f),
      );
    } catch (error) {
      thrown = error;
    }
    expect(emitted).toEqual([
      { t: 'ack', id: 1 },
      { t: 'ack', id: 2 },
    ]);
    expect(thrown).toBeInstanceOf(PolySocketError);
    expect(thrown).toMatchObject({ code: 'PROTOCOL' });
  });

  it('a bundle with one malformed member emits none of it', () => {
    const good = official({
      t: 'msg',
      channel: 'r',
      name: '',
      data: undefined,
      timestamp: 0,
      messageId: '',
      bundle: [
        { name: 'a', data: 1, timestamp: 1, messageId: 'a' },
        { name: 'b', data: 2, timestamp: 2, messageId: 'b' },
      ],
    });
    const cut = good.slice(0, good.length - 2);
    cut[0] -= 2;
    const emitted: BinaryServerFrame[] = [];
    expect(() => decodeBinary(cut, (f) => emitted.push(f))).toThrow(PolySocketError);
    expect(emitted).toEqual([]);
  });

  it('refuses text frames, lengths past the end, numbers over 2^53 and unknown presence actions; skips unknown opcodes', () => {
    const protocol = (data: string | Uint8Array): void => {
      expect(() => decodeAll(data as Uint8Array)).toThrow(expect.objectContaining({ code: 'PROTOCOL' }));
    };
    protocol('{"t":"pong"}');
    protocol(new Uint8Array([5, 16]));
    protocol(frameBinaryRecord(Uint8Array.from([12, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0])));
    protocol(frameBinaryRecord(Uint8Array.from([14, 9, 1, 0, 0, 0, 0, 0])));
    expect(decodeAll(concat(frameBinaryRecord(Uint8Array.from([99, 1, 2, 3])), official({ t: 'pong' })))).toEqual([
      { t: 'pong' },
    ]);
    expect(decodeAll(new Uint8Array(0))).toEqual([]);
  });

  it('numbers up to 2^53 - 1 survive both ways', () => {
    const id = Number.MAX_SAFE_INTEGER;
    const record = encodeBinary({ t: 'fetch', id, channel: 'c', fromSerial: id - 1 });
    const decoded = decodeClientFrame(record.subarray(1)) as unknown as { id: number; fromSerial: number };
    expect(decoded).toMatchObject({ id, fromSerial: id - 1 });
    expect(decodeAll(official({ t: 'ack', id, seq: id }))).toEqual([{ t: 'ack', id, seq: id }]);
  });
});
