import { describe, expect, it } from 'vitest';
import { PolySocketError } from '@polysocket/core';
import {
  classifyIgnisClose,
  decodeEnvelope,
  EcdhSession,
  encodeAppEnvelope,
  errorFromMessage,
  fromBase64,
  toBase64,
  utf8Length,
  validateRoomName,
} from '@polysocket/ignis';
import { ServerEcdh } from '@polysocket/mock-server';
import { withId } from '../../src/envelope';

describe('Ignis envelope', () => {
  it('decodes objects with an event name, and rejects everything else as PROTOCOL', () => {
    expect(decodeEnvelope('{"event":"a","data":1}')).toEqual({ event: 'a', data: 1 });
    expect(decodeEnvelope('{"event":"a","id":"t:1"}')).toEqual({ event: 'a', id: 't:1' });
    for (const raw of ['x', 'null', '[]', '"s"', '{}', '{"event":""}', '{"event":5}', '{"event":"a","id":{}}']) {
      expect(() => decodeEnvelope(raw), raw).toThrow(PolySocketError);
    }
  });

  it('measures UTF-8 bytes exactly near the limit', () => {
    expect(utf8Length('abc', 100)).toBe(3);
    expect(utf8Length('é'.repeat(50), 100)).toBe(100);
    expect(utf8Length('😀', 2)).toBe(4);
  });

  it('leaves data and id out when undefined, and refuses system events', () => {
    expect(encodeAppEnvelope('chat', undefined)).toBe('{"event":"chat"}');
    expect(encodeAppEnvelope('chat', { a: 1 }, 'x:1')).toBe('{"event":"chat","data":{"a":1},"id":"x:1"}');
    expect(() => encodeAppEnvelope('heartbeat', 1)).toThrow(/system event/);
    expect(() => encodeAppEnvelope('', 1)).toThrow(/empty, or a system event/);
  });

  it('adds a request id to an encoded envelope exactly as encoding it with the id would', () => {
    for (const data of [undefined, null, 1, 'x"y', { a: [1, { b: '😀' }] }]) {
      expect(withId(encodeAppEnvelope('chat', data), 't:"7"')).toBe(encodeAppEnvelope('chat', data, 't:"7"'));
    }
  });

  it('room names follow the helper’s rules', () => {
    expect(() => validateRoomName('ws:x')).toThrow();
    expect(() => validateRoomName('a'.repeat(256))).not.toThrow();
    expect(() => validateRoomName('a'.repeat(257))).toThrow();
  });
});

describe('Ignis errors and close codes', () => {
  it('maps the helper’s exact strings', () => {
    expect(errorFromMessage('Authentication failed')).toMatchObject({ code: 'AUTH_FAILED', retryable: false });
    expect(errorFromMessage('Authentication error')).toMatchObject({ code: 'SERVER', retryable: true });
    expect(errorFromMessage('Encryption handshake failed')).toMatchObject({ code: 'INVALID', retryable: false });
    expect(errorFromMessage('Invalid message format')).toMatchObject({ code: 'PROTOCOL' });
    expect(errorFromMessage(undefined)).toMatchObject({ code: 'SERVER', message: 'Ignis server error' });
  });

  it('classifies each close code', () => {
    const info = (code: number) => ({ code, reason: '', wasClean: true });
    for (const code of [1001, 1006, 4001, 4002, 4400, 1011])
      expect(classifyIgnisClose(info(code), undefined, false).action).toBe('reconnect');
    expect(classifyIgnisClose(info(4003), 'Authentication error', false).action).toBe('reconnect');
    expect(classifyIgnisClose(info(4003), 'Authentication failed', false).action).toBe('stop');
    expect(classifyIgnisClose(info(4003), 'Authentication failed', true).action).toBe('reauth');
    expect(classifyIgnisClose(info(4004), undefined, true)).toMatchObject({
      action: 'stop',
      error: { code: 'INVALID' },
    });
  });
});

describe('Ignis encryption interop (WebCrypto client ↔ Node crypto server)', () => {
  it('base64 is standard and padded, and strict on input', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253]);
    expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    expect([...fromBase64(toBase64(bytes), 'x')]).toEqual([...bytes]);
    expect(() => fromBase64('abc', 'x')).toThrow(/padded base64/); // unpadded
    expect(() => fromBase64('ab-_', 'x')).toThrow(/padded base64/); // base64url
  });

  it('derives the same key on both sides: each side opens what the other sealed', async () => {
    const client = await EcdhSession.create();
    expect(client.publicKey).toHaveLength(88);
    const server = ServerEcdh.handshake(client.publicKey, 'ignis-ecdh-p256-aes-256-gcm-v1')!;
    expect(server).toBeDefined();
    await client.derive(server.publicKey, server.salt);
    expect(await client.open(server.seal('{"event":"x","data":"from node"}'))).toBe('{"event":"x","data":"from node"}');
    expect(server.open(await client.seal('from webcrypto'))).toBe('from webcrypto');
  });

  it('a different HKDF info gives an incompatible key', async () => {
    const client = await EcdhSession.create({ hkdfInfo: 'something-else' });
    const server = ServerEcdh.handshake(client.publicKey, 'ignis-ecdh-p256-aes-256-gcm-v1')!;
    await client.derive(server.publicKey, server.salt);
    await expect(client.open(server.seal('x'))).rejects.toMatchObject({ code: 'PROTOCOL' });
  });

  it('keeps the private key non-extractable (it cannot reach a log, an error or an event)', async () => {
    const session = await EcdhSession.create();
    const { privateKey } = (session as unknown as { keyPair: CryptoKeyPair }).keyPair;
    expect(privateKey.extractable).toBe(false);
    await expect(globalThis.crypto.subtle.exportKey('pkcs8', privateKey)).rejects.toThrow();
    expect(JSON.stringify(session)).not.toMatch(/"d"|pkcs8/);
  });

  it('refuses a malformed server key', async () => {
    const client = await EcdhSession.create();
    await expect(client.derive('AAAA', Buffer.alloc(32).toString('base64'))).rejects.toMatchObject({
      code: 'PROTOCOL',
    });
    await expect(client.derive('bad', 'bad')).rejects.toMatchObject({ code: 'PROTOCOL' });
  });
});
