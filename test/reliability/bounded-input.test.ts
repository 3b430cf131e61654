import { describe, expect, it } from 'vitest';
import { PolySocketError } from '@polysocket/core';
import { decodeFrame } from '@polysocket/foony';
import { decodeEnvelope } from '@polysocket/ignis';
import { decodePayload, PacketDecoder } from '@polysocket/socketio';
import {
  flush,
  foonySetup,
  ignisSetup,
  socketIoSetup,
  sockrSetup,
  type MemoryClientSetup,
} from './support/memory-clients';

/**
 * Deep nesting and huge frames are bounded: a decoder given 100,000 levels of nesting returns or throws a
 * PROTOCOL error (never a RangeError from a recursion), and a connected client given a message over its
 * `maxFrameSize` reports one PROTOCOL error, does not decode it, and stays usable.
 */
const DEPTH = 100_000;
const arrays = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
const objects = '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH);

function protocolErrorOrValue(decode: () => unknown): 'decoded' | 'refused' {
  try {
    decode();
    return 'decoded';
  } catch (error) {
    expect(error).toBeInstanceOf(PolySocketError);
    expect((error as PolySocketError).code).toBe('PROTOCOL');
    return 'refused';
  }
}

describe(`decoders under ${DEPTH.toLocaleString('en')} levels of nesting`, () => {
  const cases: [string, (nested: string) => () => unknown][] = [
    [
      'Foony',
      (nested) => () =>
        decodeFrame(`{"t":"msg","channel":"c","name":"n","messageId":"m","timestamp":1,"data":${nested}}`),
    ],
    ['Foony, bare', (nested) => () => decodeFrame(nested)],
    ['Ignis', (nested) => () => decodeEnvelope(`{"event":"tick","data":${nested}}`)],
    ['Engine.IO', (nested) => () => decodePayload(`4${nested}`)],
    ['Socket.IO event', (nested) => () => new PacketDecoder().addText(`2["tick",${nested}]`)],
    [
      'Socket.IO binary event with a deep placeholder',
      (nested) => () => {
        const decoder = new PacketDecoder();
        const deepPlaceholder = nested.startsWith('[')
          ? `${'['.repeat(DEPTH)}{"_placeholder":true,"num":0}${']'.repeat(DEPTH)}`
          : nested;
        decoder.addText(`51-["file",${deepPlaceholder}]`);
        return decoder.addBinary(new Uint8Array([1, 2, 3]));
      },
    ],
  ];
  for (const [name, make] of cases) {
    it(name, () => {
      for (const nested of [arrays, objects]) protocolErrorOrValue(make(nested));
    });
  }
});

const LIMIT = 64 * 1024;
const setups: [string, (extra: { maxFrameSize?: number }) => Promise<MemoryClientSetup>, (filler: string) => string][] =
  [
    [
      'Foony',
      foonySetup,
      (filler) => JSON.stringify({ t: 'msg', channel: 'c', name: 'n', messageId: 'm1', timestamp: 1, data: filler }),
    ],
    ['Ignis', ignisSetup, (filler) => JSON.stringify({ event: 'tick', data: filler })],
    ['Socket.IO', socketIoSetup, (filler) => `42${JSON.stringify(['tick', filler])}`],
    [
      'Sockr',
      sockrSetup,
      (filler) =>
        `42${JSON.stringify(['receive_message', { messageId: 'm1', from: 'x', content: filler, timestamp: 1 }])}`,
    ],
  ];

describe('clients given a message over maxFrameSize', () => {
  for (const [name, setup, frame] of setups) {
    it(`${name}: one PROTOCOL error, the message is not decoded, the client stays usable`, async () => {
      const client = await setup({ maxFrameSize: LIMIT });
      const errors: PolySocketError[] = [];
      client.client.on('error', (error) => errors.push(error));
      const huge = frame('x'.repeat(LIMIT));
      expect(huge.length).toBeGreaterThan(LIMIT);
      client.peer().send(huge);
      client.peer().send(new Uint8Array(LIMIT + 1));
      await flush();
      expect(errors.map((e) => [e.code, /over maxFrameSize/.test(e.message)])).toEqual([
        ['PROTOCOL', true],
        ['PROTOCOL', true],
      ]);
      expect(client.client.state).toBe('connected');
      // A message just under the limit still gets through the size check.
      client.peer().send(frame('x'.repeat(LIMIT - 200)));
      await flush();
      expect(errors.filter((e) => /over maxFrameSize/.test(e.message))).toHaveLength(2);
      await client.alive();
      client.close();
    });
  }

  it('the default limit is 16 MiB', async () => {
    const client = await foonySetup();
    const errors: PolySocketError[] = [];
    client.client.on('error', (error) => errors.push(error));
    client.peer().send('x'.repeat(16 * 1024 * 1024 + 1));
    await flush();
    expect(errors.map((e) => e.message)).toEqual([
      `inbound message of ${16 * 1024 * 1024 + 1} bytes over maxFrameSize: dropped`,
    ]);
    await client.alive();
    client.close();
  });
});
