import { inspect } from 'node:util';
import { Cipher } from '@foony/realtime';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryServer, PolySocketError } from '@polysocket/core';
import {
  FoonyClient,
  foonyBinaryWire,
  foonySeedWire,
  foonyCipher,
  type FoonyClient as Client,
  type FoonyMessage,
} from '@polysocket/foony';
import { AesGcm } from '../../src/binary/cipher';
import { MemoryFoonyBinary } from '../helpers/memory-binary';
import { waitFor } from '../../../../test/support/wait';

const KEY_256 = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const KEY_128 = Uint8Array.from({ length: 16 }, (_, i) => 200 - i);
const KEY_256_B64 = Buffer.from(KEY_256).toString('base64');
const OTHER_KEY = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
const VALUE = { text: 'the plaintext', n: [1, 2, 3], nested: { ok: true, none: null } };

const clients: Client[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const c of clients.splice(0)) c.close();
});

async function subscribed(server: MemoryFoonyBinary, key: Uint8Array | string = KEY_256, channel = 'secret') {
  const client = server.client({ cipher: foonyCipher({ key }) });
  clients.push(client);
  const errors: PolySocketError[] = [];
  client.on('error', (e) => errors.push(e));
  await client.connect();
  const ch = client.channel(channel);
  const got: FoonyMessage[] = [];
  const channelErrors: PolySocketError[] = [];
  ch.subscribe((m) => got.push(m));
  ch.on('error', (e) => channelErrors.push(e));
  await waitFor(() => ch.state === 'attached', 'attached');
  return { client, ch, got, errors, channelErrors };
}

describe('foonyCipher: interop with the official client’s Cipher', () => {
  for (const [bits, key] of [
    [256, KEY_256],
    [128, KEY_128],
  ] as const) {
    it(`AES-${bits}-GCM: what we seal, the official Cipher opens; what it seals, we open`, async () => {
      const ours = new AesGcm(key);
      const theirs = new Cipher({ key });
      const sealed = await ours.seal(VALUE);
      expect(sealed.encoding).toBe(`cipher+aes-${bits}-gcm/base64`);
      expect(typeof sealed.data).toBe('string');
      expect(sealed.data).not.toContain('plaintext');
      expect(await theirs.decrypt(sealed.encoding as string, sealed.data)).toEqual(VALUE);

      const fromThem = await theirs.encrypt(VALUE);
      expect(fromThem.encoding).toBe(`cipher+aes-${bits}-gcm/base64`);
      expect(await ours.open(fromThem.encoding, fromThem.data)).toEqual(VALUE);
      // A base64 key is the same key.
      expect(await new AesGcm(Buffer.from(key).toString('base64')).open(fromThem.encoding, fromThem.data)).toEqual(
        VALUE,
      );
    });
  }

  it('a fresh IV per message: the same value seals differently; undefined is sent as null', async () => {
    const ours = new AesGcm(KEY_256);
    const [a, b] = await Promise.all([ours.seal('same'), ours.seal('same')]);
    expect(a.data).not.toBe(b.data);
    expect(
      await new Cipher({ key: KEY_256 }).decrypt('cipher+aes-256-gcm/base64', (await ours.seal(undefined)).data),
    ).toBe(null);
  });

  it('a wrong key, tampering, a wrong-size key or another encoding is refused', async () => {
    const sealed = await new Cipher({ key: KEY_256 }).encrypt(VALUE);
    await expect(new AesGcm(OTHER_KEY).open(sealed.encoding, sealed.data)).rejects.toThrow();
    const tampered = Buffer.from(sealed.data, 'base64');
    tampered[20] ^= 1;
    await expect(new AesGcm(KEY_256).open(sealed.encoding, tampered.toString('base64'))).rejects.toThrow();
    await expect(new AesGcm(KEY_128).open(sealed.encoding, sealed.data)).rejects.toThrow(/not for cipher\+aes-256-gcm/);
    await expect(new AesGcm(KEY_256).open('gzip/cipher+aes-256-gcm/base64', sealed.data)).rejects.toThrow(
      /unsupported encoding/,
    );
    for (const bad of [new Uint8Array(24), 'c2hvcnQ=', 'not base64!', 42])
      expect(() => foonyCipher({ key: bad as Uint8Array })).toThrow(
        expect.objectContaining({ code: 'INVALID', message: expect.stringContaining('16 or 32 bytes') }),
      );
  });
});

describe('foonyCipher on a client (binary wire, in memory)', () => {
  it('on the seed wire a cipher is INVALID saying to drop the seed wire; on the default (binary) wire it is fine', () => {
    const base = { url: 'ws://memory/foony', token: 't', transport: new MemoryServer().transport };
    expect(() => new FoonyClient({ ...base, wire: foonySeedWire, cipher: foonyCipher({ key: KEY_256 }) })).toThrow(
      expect.objectContaining({
        code: 'INVALID',
        message: 'cipher needs the binary wire (the default): drop wire: foonySeedWire',
      }),
    );
    expect(() => new FoonyClient({ ...base, cipher: foonyCipher({ key: KEY_256 }) })).not.toThrow();
    expect(
      () => new FoonyClient({ ...base, wire: foonyBinaryWire, cipher: foonyCipher({ key: KEY_256 }) }),
    ).not.toThrow();
    // A JavaScript caller's cipher that is not the module is INVALID naming it.
    expect(() => new FoonyClient({ ...base, wire: foonyBinaryWire, cipher: { key: KEY_256 } as never })).toThrow(
      expect.objectContaining({ code: 'INVALID', message: expect.stringContaining('{ cipher: foonyCipher }') }),
    );
  });

  it('publish sends ciphertext with its encoding; delivery opens it before the listener, batch parts too', async () => {
    const server = new MemoryFoonyBinary();
    const { ch, got, channelErrors } = await subscribed(server);
    await ch.publish('chat', VALUE);
    const pub = server.framesOf('pub')[0] as { data: unknown; encoding?: string };
    expect(pub.encoding).toBe('cipher+aes-256-gcm/base64');
    expect(JSON.stringify(pub)).not.toContain('plaintext');
    expect(await new Cipher({ key: KEY_256 }).decrypt(pub.encoding as string, pub.data)).toEqual(VALUE);
    // Another client's batch, one part ciphered, one plain; then a plaintext message.
    const theirs = new Cipher({ key: KEY_256 });
    const part = await theirs.encrypt('part one');
    server.publish('secret', '', null, {
      messages: [
        { name: 'a', data: part.data, encoding: part.encoding },
        { name: 'b', data: 'plain part' },
      ],
    });
    server.publish('secret', 'plain', 'as is');
    await waitFor(() => got.length >= 4, 'four messages');
    expect(got.map((m) => [m.name, m.data, m.encoding, m.seq])).toEqual([
      ['chat', VALUE, undefined, 1],
      ['a', 'part one', undefined, 2],
      ['b', 'plain part', undefined, 2],
      ['plain', 'as is', undefined, 3],
    ]);
    expect(channelErrors).toEqual([]);
  });

  it('a message the key cannot open is a channel error (PROTOCOL, with its cause), left out; the stream goes on', async () => {
    const server = new MemoryFoonyBinary();
    const { client, got, channelErrors } = await subscribed(server, KEY_256_B64);
    const wrong = await new Cipher({ key: OTHER_KEY }).encrypt('not for us');
    const right = await new Cipher({ key: KEY_256 }).encrypt('for us');
    server.publish('secret', 'x', wrong.data, { encoding: wrong.encoding });
    server.publish('secret', 'y', right.data, { encoding: right.encoding });
    await waitFor(() => got.length >= 1 && channelErrors.length >= 1, 'the next message and the error');
    expect(got.map((m) => [m.name, m.data])).toEqual([['y', 'for us']]);
    expect(channelErrors).toHaveLength(1);
    const [error] = channelErrors;
    expect(error).toBeInstanceOf(PolySocketError);
    expect(error.code).toBe('PROTOCOL');
    expect(error.message).toContain("could not decrypt message x1 (serial 1) on 'secret'");
    expect(error.cause).toBeDefined();
    expect(client.cursors.get('secret')).toBe('2');
    // The key is nowhere in what the app can print.
    for (const text of [
      error.message,
      inspect(error, { depth: 5 }),
      inspect(client, { depth: 8 }),
      inspect(foonyCipher({ key: KEY_256_B64 })),
    ])
      expect(text).not.toContain(KEY_256_B64);
  });

  it('hostile ciphered frames (not a string, not base64, too short) are errors; the stream goes on', async () => {
    const server = new MemoryFoonyBinary();
    const { got, channelErrors } = await subscribed(server);
    const encoding = 'cipher+aes-256-gcm/base64';
    const good = await new AesGcm(KEY_256).seal('x');
    for (const data of [123, 'not base64!', 'AAAA', null, { a: 1 }])
      server.publish('secret', 'bad', data, { encoding });
    server.publish('secret', 'good', good.data, { encoding });
    await waitFor(() => got.length >= 1, 'the good message');
    expect(got.map((m) => [m.name, m.data])).toEqual([['good', 'x']]);
    expect(channelErrors.map((e) => e.code)).toEqual(['PROTOCOL', 'PROTOCOL', 'PROTOCOL', 'PROTOCOL', 'PROTOCOL']);
    channelErrors.forEach((e, i) =>
      expect(e.message).toContain(`could not decrypt message x${i + 1} (serial ${i + 1})`),
    );
  });

  it('a function as data is sent as null, as a plain publish sends it', async () => {
    const server = new MemoryFoonyBinary();
    const { ch } = await subscribed(server);
    await ch.publish('n', () => 1);
    const pub = server.framesOf('pub')[0] as { data: unknown; encoding?: string };
    expect(await new Cipher({ key: KEY_256 }).decrypt(pub.encoding as string, pub.data)).toBe(null);
  });

  it('many messages keep their order when decryption is slow (the first ones slowest)', async () => {
    const server = new MemoryFoonyBinary();
    const { got } = await subscribed(server);
    const subtle = globalThis.crypto.subtle;
    const decrypt = subtle.decrypt.bind(subtle);
    let calls = 0;
    vi.spyOn(subtle, 'decrypt').mockImplementation(async (...args: Parameters<SubtleCrypto['decrypt']>) => {
      const delay = Math.max(0, 40 - calls++); // later messages finish first
      await new Promise((resolve) => setTimeout(resolve, delay));
      return decrypt(...args);
    });
    const theirs = new Cipher({ key: KEY_256 });
    const count = 40;
    const sealed = await Promise.all(Array.from({ length: count }, (_, n) => theirs.encrypt(n)));
    sealed.forEach(({ data, encoding }, n) =>
      n % 5 === 4 ? server.publish('secret', 'n', n) : server.publish('secret', 'n', data, { encoding }),
    );
    await waitFor(() => got.length >= count, 'every message');
    expect(got.map((m) => m.data)).toEqual(Array.from({ length: count }, (_, n) => n));
    expect(got.map((m) => m.seq)).toEqual(Array.from({ length: count }, (_, n) => n + 1));
  });

  it('publishes go out in call order when encryption is slow (the first ones slowest)', async () => {
    const server = new MemoryFoonyBinary();
    const { ch } = await subscribed(server);
    const subtle = globalThis.crypto.subtle;
    const encrypt = subtle.encrypt.bind(subtle);
    let calls = 0;
    vi.spyOn(subtle, 'encrypt').mockImplementation(async (...args: Parameters<SubtleCrypto['encrypt']>) => {
      const delay = Math.max(0, 20 - calls++);
      await new Promise((resolve) => setTimeout(resolve, delay));
      return encrypt(...args);
    });
    await Promise.all(Array.from({ length: 20 }, (_, n) => ch.publish('n', n)));
    const theirs = new Cipher({ key: KEY_256 });
    const sent = await Promise.all(
      server.framesOf('pub').map((f) => theirs.decrypt(f.encoding as string, (f as { data: unknown }).data)),
    );
    expect(sent).toEqual(Array.from({ length: 20 }, (_, n) => n));
  });

  it('a publish of data JSON cannot hold rejects INVALID and sends nothing', async () => {
    const server = new MemoryFoonyBinary();
    const { ch } = await subscribed(server);
    await expect(ch.publish('n', { big: 1n })).rejects.toMatchObject({ code: 'INVALID' });
    await ch.publish('n', 'next');
    expect(server.framesOf('pub')).toHaveLength(1);
  });

  it('history pages are opened; one the key cannot open comes back as it is, and is reported', async () => {
    const server = new MemoryFoonyBinary();
    const { ch, channelErrors } = await subscribed(server);
    await ch.publish('mine', { a: 1 });
    const wrong = await new Cipher({ key: OTHER_KEY }).encrypt('other');
    server.publish('secret', 'theirs', wrong.data, { encoding: wrong.encoding });
    server.publish('secret', 'plain', 3);
    const page = await ch.history({ limit: 10 });
    expect(page.messages.map((m) => [m.name, m.data, m.encoding])).toEqual([
      ['mine', { a: 1 }, undefined],
      ['theirs', wrong.data, wrong.encoding],
      ['plain', 3, undefined],
    ]);
    await waitFor(() => channelErrors.length >= 2, 'reported live and in history');
    expect(channelErrors.map((e) => e.code)).toEqual(['PROTOCOL', 'PROTOCOL']);
  });

  it('a key chooser: a channel it gives no key stays plaintext; each channel gets its own key', async () => {
    const server = new MemoryFoonyBinary();
    const client = server.client({
      cipher: foonyCipher({ key: (channel) => (channel.startsWith('private:') ? KEY_128 : undefined) }),
    });
    clients.push(client);
    await client.connect();
    await client.channel('private:a').publish('n', 'hidden');
    await client.channel('public').publish('n', 'shown');
    const [hidden, shown] = server.framesOf('pub') as { data: unknown; encoding?: string }[];
    expect(hidden.encoding).toBe('cipher+aes-128-gcm/base64');
    expect(await new Cipher({ key: KEY_128 }).decrypt(hidden.encoding as string, hidden.data)).toBe('hidden');
    expect([shown.data, shown.encoding]).toEqual(['shown', undefined]);
    expect(() => foonyCipher({ key: () => new Uint8Array(5) })).not.toThrow();
    const bad = server.client({ cipher: foonyCipher({ key: () => new Uint8Array(5) }) });
    clients.push(bad);
    expect(() => bad.channel('x')).toThrow(expect.objectContaining({ code: 'INVALID' }));
  });

  it('after unsubscribe, a message still being opened is not delivered, even to a new subscription', async () => {
    const server = new MemoryFoonyBinary();
    const { ch, got } = await subscribed(server);
    const subtle = globalThis.crypto.subtle;
    const decrypt = subtle.decrypt.bind(subtle);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let opening = 0;
    vi.spyOn(subtle, 'decrypt').mockImplementation(async (...args: Parameters<SubtleCrypto['decrypt']>) => {
      opening++;
      await gate;
      return decrypt(...args);
    });
    const sealed = await new Cipher({ key: KEY_256 }).encrypt('late');
    server.publish('secret', 'n', sealed.data, { encoding: sealed.encoding });
    await waitFor(() => opening === 1, 'the message is being opened');
    void ch.unsubscribe();
    const again: FoonyMessage[] = [];
    ch.subscribe((m) => again.push(m));
    await waitFor(() => ch.state === 'attached', 'attached again');
    release();
    server.publish('secret', 'n', 'after');
    await waitFor(() => again.length >= 1, 'the next message');
    expect(got).toEqual([]);
    expect(again.map((m) => m.data)).toEqual(['after']);
  });
});
