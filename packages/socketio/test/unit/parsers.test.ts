import { describe, expect, it } from 'vitest';
import { PolySocketError } from '@polysocket/core';
import {
  decodePayload,
  encodePacket,
  encodePayload,
  engineUrl,
  PacketDecoder,
  PacketType,
  parseHandshake,
  RESERVED_EVENTS,
} from '@polysocket/socketio';

describe('Engine.IO', () => {
  it('joins and splits polling payloads with the record separator, binary as b+base64', () => {
    const payload = encodePayload(['4hello', '2', new Uint8Array([1, 2, 255])]);
    expect(payload).toBe('4hello\x1e2\x1ebAQL/');
    const back = decodePayload(payload);
    expect(back[0]).toBe('4hello');
    expect(back[1]).toBe('2');
    expect([...(back[2] as Uint8Array)]).toEqual([1, 2, 255]);
    expect(decodePayload('')).toEqual([]);
  });

  it('parses the open packet and refuses a broken one', () => {
    expect(
      parseHandshake(
        '{"sid":"s","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}',
      ),
    ).toEqual({
      sid: 's',
      upgrades: ['websocket'],
      pingInterval: 25000,
      pingTimeout: 20000,
      maxPayload: 1000000,
    });
    expect(() => parseHandshake('{"sid":1}')).toThrow(PolySocketError);
    expect(() => parseHandshake('nope')).toThrow(PolySocketError);
  });

  // Issue 14: 2^31 or 0.5 made Node fall back to 1 ms timers (a flood, or a link dead at once).
  it('clamps the announced intervals to 100 ms .. 10 min; engine.io defaults for anything not a number', () => {
    const parse = (pingInterval: unknown, pingTimeout: unknown): [number, number] => {
      const h = parseHandshake(JSON.stringify({ sid: 's', pingInterval, pingTimeout }));
      return [h.pingInterval, h.pingTimeout];
    };
    expect(parse(0.5, 0)).toEqual([100, 100]);
    expect(parse(-5, 2 ** 31)).toEqual([100, 600_000]);
    expect(parse(1e308, 1e308 * 10)).toEqual([600_000, 20_000]); // JSON carries Infinity as null
    expect(parse('25000', null)).toEqual([25_000, 20_000]);
    expect(parse(undefined, undefined)).toEqual([25_000, 20_000]);
    expect(parse(25_000, 20_000)).toEqual([25_000, 20_000]);
  });

  it('builds URLs for both transports', () => {
    expect(engineUrl('http://h:1', '/socket.io/', 'polling', { a: 'b' })).toBe(
      'http://h:1/socket.io/?a=b&EIO=4&transport=polling',
    );
    expect(engineUrl('https://h', '/x', 'websocket', {}, 'sid1')).toBe('wss://h/x/?EIO=4&transport=websocket&sid=sid1');
    expect(engineUrl('ws://h:2', '/socket.io/', 'polling')).toBe('http://h:2/socket.io/?EIO=4&transport=polling');
  });
});

describe('Socket.IO packets', () => {
  it('encodes each packet type as socket.io-parser does', () => {
    expect(encodePacket({ type: PacketType.CONNECT, nsp: '/' })).toBe('40');
    expect(encodePacket({ type: PacketType.CONNECT, nsp: '/admin', data: { token: 'x' } })).toBe(
      '40/admin,{"token":"x"}',
    );
    expect(encodePacket({ type: PacketType.DISCONNECT, nsp: '/admin' })).toBe('41/admin,');
    expect(encodePacket({ type: PacketType.EVENT, nsp: '/', data: ['hi', 1] })).toBe('42["hi",1]');
    expect(encodePacket({ type: PacketType.EVENT, nsp: '/', id: 12, data: ['hi'] })).toBe('4212["hi"]');
    expect(encodePacket({ type: PacketType.ACK, nsp: '/a', id: 3, data: [] })).toBe('43/a,3[]');
  });

  it('encodes binary as a BINARY_EVENT with placeholders and attachments', () => {
    const encoded = encodePacket({
      type: PacketType.EVENT,
      nsp: '/',
      id: 1,
      data: ['up', { file: new Uint8Array([7]) }, new Uint8Array([8, 9])],
    });
    expect(Array.isArray(encoded)).toBe(true);
    const [header, a, b] = encoded as [string, Uint8Array, Uint8Array];
    expect(header).toBe('452-1["up",{"file":{"_placeholder":true,"num":0}},{"_placeholder":true,"num":1}]');
    expect([...a]).toEqual([7]);
    expect([...b]).toEqual([8, 9]);
  });

  it('decodes events, acks, connects and errors, with namespaces and ids', () => {
    const d = new PacketDecoder();
    expect(d.addText('0{"sid":"abc"}')).toEqual({ type: PacketType.CONNECT, nsp: '/', data: { sid: 'abc' } });
    expect(d.addText('2/chat,7["msg","x"]')).toEqual({
      type: PacketType.EVENT,
      nsp: '/chat',
      id: 7,
      data: ['msg', 'x'],
    });
    expect(d.addText('31[1,2]')).toEqual({ type: PacketType.ACK, nsp: '/', id: 1, data: [1, 2] });
    expect(d.addText('4{"message":"no","data":{"r":1}}')).toEqual({
      type: PacketType.CONNECT_ERROR,
      nsp: '/',
      data: { message: 'no', data: { r: 1 } },
    });
    expect(d.addText('1/admin,')).toEqual({ type: PacketType.DISCONNECT, nsp: '/admin' });
  });

  it('reassembles binary packets from their attachments', () => {
    const d = new PacketDecoder();
    expect(d.addText('51-["file",{"_placeholder":true,"num":0}]')).toBeUndefined();
    const packet = d.addBinary(new Uint8Array([1, 2]));
    expect(packet?.type).toBe(PacketType.EVENT);
    expect([...((packet!.data as unknown[])[1] as Uint8Array)]).toEqual([1, 2]);
  });

  it('rejects malformed and hostile packets as PROTOCOL errors and recovers', () => {
    const bad = [
      '',
      '9',
      'x',
      '2',
      '2{"a":1}',
      '2[]',
      '0[1]',
      '1{}',
      '3{}',
      '2["a"',
      '5x-["a"]',
      '5999-["a"]',
      `2${'1'.repeat(20)}["a"]`,
    ];
    for (const text of bad) {
      const d = new PacketDecoder();
      expect(() => d.addText(text), text).toThrow(PolySocketError);
    }
    const d = new PacketDecoder();
    expect(() => d.addBinary(new Uint8Array([1]))).toThrow(/without a binary packet/);
    d.addText('51-["a",{"_placeholder":true,"num":5}]');
    expect(() => d.addBinary(new Uint8Array([1]))).toThrow(/placeholder index/);
    expect(d.addText('2["still works"]')).toMatchObject({ data: ['still works'] });
  });

  it("refuses an EVENT named like a reserved event, as socket.io-parser (a server's 'disconnect' is no disconnect)", () => {
    for (const name of RESERVED_EVENTS) {
      const d = new PacketDecoder();
      expect(() => d.addText(`2${JSON.stringify([name, 'x'])}`), name).toThrow(/malformed Socket.IO packet: payload/);
      expect(() => d.addText(`51-/admin,${JSON.stringify([name, { _placeholder: true, num: 0 }])}`), name).toThrow(
        PolySocketError,
      );
      expect(d.addText(`2${JSON.stringify([`${name}!`, 'x'])}`)).toMatchObject({ data: [`${name}!`, 'x'] });
    }
    expect([...RESERVED_EVENTS]).toHaveLength(6);
  });

  it('a binary packet whose attachments never come is reported, and the next text packet still decodes', () => {
    // Found by the hostile-sequence fuzzer: the ack after `51-[""]` was lost and emitWithAck timed out.
    const d = new PacketDecoder();
    expect(d.addText('51-[""]')).toBeUndefined();
    expect(d.addText('37["ok"]')).toEqual({ type: PacketType.ACK, nsp: '/', id: 7, data: ['ok'] });
    expect(d.takeAbandoned()).toBe(true);
    expect(d.takeAbandoned()).toBe(false);
  });

  it('keeps __proto__ keys inert when reassembling', () => {
    const d = new PacketDecoder();
    d.addText('51-["a",{"__proto__":{"_placeholder":true,"num":0}}]');
    const packet = d.addBinary(new Uint8Array([1]))!;
    const obj = (packet.data as unknown[])[1] as Record<string, unknown>;
    expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(obj, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).num).toBeUndefined();
  });
});
