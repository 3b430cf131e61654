import { describe, expect, it } from 'vitest';
import {
  ackRecord,
  batchRecord,
  connectedRecord,
  errorRecord,
  messageRecord,
  pongRecord,
  presenceRecord,
  readClientRecord,
  resultRecord,
  splitRecords,
  type WireMessage,
} from '../../src/foony/binary-records';
// The official client's codec (0.16): the reference both for what the mock reads and for what it writes.
import {
  decodeServerFrames,
  encodeClientFrame,
  frameBinaryRecord,
} from '../../../../node_modules/@foony/realtime/lib/binary.js';

type OfficialClientFrame = Parameters<typeof encodeClientFrame>[0];
const read = (frame: OfficialClientFrame) =>
  readClientRecord(splitRecords(Buffer.from(frameBinaryRecord(encodeClientFrame(frame))))[0]);
const decode = (record: Buffer) =>
  decodeServerFrames(record.buffer.slice(record.byteOffset, record.byteOffset + record.length) as ArrayBuffer);

describe('the mock’s Foony binary records, against the official 0.16 codec', () => {
  it('reads every request the official client writes', () => {
    expect(read({ t: 'auth', token: 't', clientId: 'ann', resumeConnectionId: 'c-1' })).toEqual({
      t: 'auth',
      token: 't',
      key: '',
      clientId: 'ann',
      resumeConnectionId: 'c-1',
    });
    expect(read({ t: 'sub', id: 1, channel: 'room', lastSerial: 300 })).toEqual({
      t: 'sub',
      id: 1,
      lastSerial: 300,
      channel: 'room',
    });
    for (const t of ['unsub', 'presSub', 'presUnsub'] as const)
      expect(read({ t, id: 2, channel: 'r' })).toEqual({ t, id: 2, channel: 'r' });
    expect(
      read({
        t: 'pub',
        id: 3,
        channel: 'r',
        name: '',
        data: null,
        messageId: '17-ab',
        ephemeral: true,
        messages: [{ name: 'a', data: { é: 1 }, encoding: 'e' }],
      }),
    ).toEqual({
      t: 'pub',
      id: 3,
      ephemeral: true,
      channel: 'r',
      name: '',
      data: null,
      encoding: '',
      messageId: '17-ab',
      parts: [{ name: 'a', data: { é: 1 }, encoding: 'e' }],
    });
    expect(read({ t: 'pres', id: 4, channel: 'r', action: 'update', data: 5 })).toEqual({
      t: 'pres',
      id: 4,
      action: 'update',
      channel: 'r',
      data: 5,
      encoding: '',
    });
    expect(read({ t: 'hist', id: 5, channel: 'r', limit: 10, before: 99 })).toEqual({
      t: 'hist',
      id: 5,
      limit: 10,
      channel: 'r',
      before: 99,
    });
    expect(read({ t: 'fetch', id: 6, channel: 'r', fromSerial: 7 })).toEqual({
      t: 'fetch',
      id: 6,
      fromSerial: 7,
      channel: 'r',
    });
    expect(read({ t: 'ping' })).toEqual({ t: 'ping' });
  });

  it('refuses malformed records', () => {
    expect(() => readClientRecord(Buffer.from([10, 0]))).toThrow(/left over/);
    expect(() => readClientRecord(Buffer.from([2, 1]))).toThrow(/truncated/);
    expect(() => readClientRecord(Buffer.from([99]))).toThrow(/opcode/);
    expect(() => splitRecords(Buffer.from([5, 1]))).toThrow(/past the end/);
  });

  it('writes records the official client reads', () => {
    const message: WireMessage = {
      channel: 'r',
      name: 'n',
      data: { a: 'é' },
      timestamp: 1700000000000,
      messageId: 'm1',
      clientId: 'ann',
      serial: 4,
    };
    expect(decode(connectedRecord('c-1', 15000, 'ann'))).toEqual([
      { t: 'connected', connectionId: 'c-1', keepAliveMs: 15000, clientId: 'ann' },
    ]);
    expect(decode(ackRecord(3, { seq: 9, resumed: false }))).toEqual([{ t: 'ack', id: 3, seq: 9, resumed: false }]);
    expect(decode(ackRecord(3))).toEqual([{ t: 'ack', id: 3 }]);
    expect(decode(messageRecord([message]))).toEqual([
      {
        t: 'msg',
        channel: 'r',
        name: 'n',
        data: { a: 'é' },
        timestamp: 1700000000000,
        messageId: 'm1',
        clientId: 'ann',
        seq: 4,
      },
    ]);
    const [bundle] = decode(messageRecord([message, { ...message, messageId: 'm2', serial: 5 }])) as {
      bundle?: unknown[];
    }[];
    expect(bundle.bundle).toHaveLength(2);
    const batch = { ...message, name: '', data: undefined, parts: [{ name: 'p', data: 1 }] };
    expect(decode(batchRecord(batch))).toMatchObject([
      { t: 'msg', messageId: 'm1', messages: [{ name: 'p', data: 1 }] },
    ]);
    expect(
      decode(
        presenceRecord({ action: 'leave', timestamp: 2, channel: 'r', clientId: 'a', connectionId: 'c', data: 1 }),
      ),
    ).toEqual([
      { t: 'presEvt', action: 'leave', timestamp: 2, channel: 'r', clientId: 'a', connectionId: 'c', data: 1 },
    ]);
    expect(decode(errorRecord(7, 40300, 'no'))).toEqual([{ t: 'err', id: 7, code: 40300, message: 'no' }]);
    expect(decode(pongRecord())).toEqual([{ t: 'pong' }]);
    expect(decode(resultRecord('histRes', 1, 'r', [message], true))).toMatchObject([
      { t: 'histRes', id: 1, channel: 'r', more: true, messages: [{ messageId: 'm1', seq: 4 }] },
    ]);
    expect(decode(resultRecord('fetchRes', 2, 'r', [], false))).toEqual([
      { t: 'fetchRes', id: 2, channel: 'r', messages: [], resumed: false },
    ]);
  });
});
