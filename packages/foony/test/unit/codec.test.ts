import { describe, expect, it } from 'vitest';
import { PolySocketError } from '@polysocket/core';
import {
  coreCodeOf,
  decodeFrame,
  encodeFrame,
  errorFromFrame,
  ErrorCode,
  validateChannelName,
} from '@polysocket/foony';

const valid = [
  { t: 'connected', connectionId: 'c1', keepAliveMs: 15000, clientId: 'u' },
  { t: 'ack', id: 1 },
  { t: 'msg', channel: 'a', name: 'n', data: { x: 1 }, timestamp: 1, messageId: 'm1' },
  { t: 'msg', channel: 'a', name: 'n', data: null, timestamp: 1, messageId: 'm1', clientId: 'u' },
  { t: 'presEvt', channel: 'a', action: 'enter', clientId: 'u', connectionId: 'c', timestamp: 2 },
  { t: 'err', code: 40300, message: 'no' },
  { t: 'err', id: 4, code: 40300, message: 'no' },
  { t: 'pong' },
  { t: 'histRes', id: 3, channel: 'a', messages: [], more: false },
  {
    t: 'histRes',
    id: 3,
    channel: 'a',
    messages: [{ t: 'msg', channel: 'a', name: 'n', data: 1, timestamp: 1, messageId: 'm' }],
  },
];

const malformed: unknown[] = [
  'not json',
  '42',
  '"str"',
  'null',
  '[]',
  '{}',
  JSON.stringify({ t: 'nope' }),
  JSON.stringify({ t: 'ack' }),
  JSON.stringify({ t: 'ack', id: '1' }),
  JSON.stringify({ t: 'msg', channel: 'a', name: 'n', timestamp: 'x', messageId: 'm' }),
  JSON.stringify({ t: 'msg', channel: 'a', name: 'n', timestamp: 1, messageId: 5 }),
  JSON.stringify({ t: 'msg', channel: 'a', name: 'n', timestamp: 1, messageId: 'm', clientId: 7 }),
  JSON.stringify({ t: 'presEvt', channel: 'a', action: 'dance', clientId: 'u', connectionId: 'c', timestamp: 2 }),
  JSON.stringify({ t: 'err', code: '40300', message: 'no' }),
  JSON.stringify({ t: 'err', id: 'x', code: 40300, message: 'no' }),
  JSON.stringify({ t: 'connected', connectionId: 'c1', keepAliveMs: 5 }),
  JSON.stringify({ t: 'histRes', id: 3, channel: 'a', messages: [null] }),
  JSON.stringify({ t: 'histRes', id: 3, channel: 'a', messages: [{ t: 'msg' }] }),
  JSON.stringify({ t: 'histRes', id: 3, channel: 'a', messages: {}, more: false }),
  JSON.stringify({ t: 'histRes', id: 3, channel: 'a', messages: [], more: 'yes' }),
  // Found by the fuzzer: describing this `t` with String() threw a TypeError instead of a PROTOCOL error.
  '{"t":[{"toString":null}]}',
  '{"t":{"toString":null,"valueOf":null}}',
];

describe('Foony codec', () => {
  it('decodes every server frame type of the seed', () => {
    for (const frame of valid) {
      expect(decodeFrame(JSON.stringify(frame))).toEqual(frame);
      expect(decodeFrame(new TextEncoder().encode(JSON.stringify(frame)))).toEqual(frame);
    }
  });

  it('decodes a connected frame whose keepAliveMs is missing or not a finite number with NaN (the client falls back to 15 s)', () => {
    for (const raw of [
      '{"t":"connected","connectionId":"c1","clientId":"u"}',
      '{"t":"connected","connectionId":"c1","clientId":"u","keepAliveMs":"5"}',
      '{"t":"connected","connectionId":"c1","clientId":"u","keepAliveMs":1e400}',
    ]) {
      expect(decodeFrame(raw)).toMatchObject({ t: 'connected', keepAliveMs: NaN });
    }
  });

  it('throws a PROTOCOL PolySocketError for anything malformed', () => {
    for (const raw of malformed) {
      let thrown: unknown;
      try {
        decodeFrame(raw as string);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, String(raw)).toBeInstanceOf(PolySocketError);
      expect((thrown as PolySocketError).code).toBe('PROTOCOL');
    }
  });

  it('keeps __proto__ and constructor keys inert', () => {
    const frame = decodeFrame(
      '{"t":"msg","channel":"a","name":"n","data":{"__proto__":{"polluted":true}},"timestamp":1,"messageId":"m","__proto__":{"x":1}}',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(frame)).toBe(Object.prototype);
    expect((frame as { x?: unknown }).x).toBeUndefined();
  });

  it('encodes client frames as the seed JSON, leaving undefined fields out', () => {
    expect(encodeFrame({ t: 'sub', channel: 'a', id: 1 })).toBe('{"t":"sub","channel":"a","id":1}');
    expect(encodeFrame({ t: 'hist', id: 2, channel: 'a', limit: 10, start: 'm5' })).toBe(
      '{"t":"hist","id":2,"channel":"a","limit":10,"start":"m5"}',
    );
  });
});

describe('Foony errors', () => {
  it('maps every seed code to a core code', () => {
    expect(coreCodeOf(ErrorCode.BadFrame)).toBe('PROTOCOL');
    expect(coreCodeOf(ErrorCode.BadAuth)).toBe('AUTH_FAILED');
    expect(coreCodeOf(ErrorCode.AuthExpired)).toBe('AUTH_EXPIRED');
    expect(coreCodeOf(ErrorCode.Forbidden)).toBe('FORBIDDEN');
    expect(coreCodeOf(40302)).toBe('FORBIDDEN');
    expect(coreCodeOf(ErrorCode.NotFound)).toBe('NOT_FOUND');
    expect(coreCodeOf(42900)).toBe('RATE_LIMITED');
    expect(coreCodeOf(50001)).toBe('SERVER');
  });

  it('carries the server code and message', () => {
    const error = errorFromFrame({ t: 'err', code: 40400, message: 'no such channel' });
    expect(error).toMatchObject({ code: 'NOT_FOUND', backendCode: 40400, message: 'no such channel' });
  });

  it('validates channel names loosely by default', () => {
    expect(() => validateChannelName('chat rooms/1')).toThrow(/whitespace/);
    expect(() => validateChannelName('rooms/1.x')).not.toThrow();
    expect(() => validateChannelName('rooms/1.x', true)).toThrow(/must match/);
    expect(() => validateChannelName(5 as unknown as string)).toThrow(PolySocketError);
  });
});
