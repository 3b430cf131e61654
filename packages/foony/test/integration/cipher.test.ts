// foonyCipher over real sockets: our encrypted channel and the official @foony/realtime 0.16 client with the same key
// on one channel of the mock (binary wire), each reading the other's messages; a wrong key; order under slow crypto.
import { type Realtime, type MessageFrame, type PresenceEventFrame } from '@foony/realtime';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PolySocketError } from '@polysocket/core';
import {
  foonyBinaryWire,
  foonyCipher,
  foonyPresence,
  type FoonyCipherKey,
  type FoonyMessage,
  type PresenceChange,
} from '@polysocket/foony';
import { officialClient } from '../helpers/official';
import { foonyWorld, waitFor, type FoonyWorld } from '../helpers/setup';

const KEY = Buffer.from(Uint8Array.from({ length: 32 }, (_, i) => i * 7)).toString('base64');
const KEY_128 = Uint8Array.from({ length: 16 }, (_, i) => i + 100);
const OTHER = Buffer.from(Uint8Array.from({ length: 32 }, (_, i) => 255 - i)).toString('base64');

let world: FoonyWorld;
let official: Realtime | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await official?.close();
  official = undefined;
  await world?.close();
});

const ours = (w: FoonyWorld, clientId: string, key: FoonyCipherKey) =>
  w.client({ token: `user:${clientId}`, wire: foonyBinaryWire, cipher: foonyCipher({ key }), presence: foonyPresence });
const officialOn = (w: FoonyWorld, clientId: string): Realtime => (official = officialClient(w.url, clientId));
/** A history page's data: the binary wire returns a stored batch as one message with its parts (each opened). */
const dataOf = (messages: readonly FoonyMessage[]): unknown[] =>
  messages.flatMap((m) => (m as { messages?: { data: unknown }[] }).messages?.map((p) => p.data) ?? [m.data]);
const line = (m: { clientId?: string; name: string; data: unknown }): string =>
  `${m.clientId ?? 'server'}:${m.name}:${JSON.stringify(m.data)}`;

describe('foonyCipher against the mock, beside the official client with the same key', () => {
  for (const [bits, key] of [
    [256, KEY],
    [128, KEY_128],
  ] as const)
    it(`AES-${bits}: each reads the other's messages; the service stores only ciphertext; history is opened`, async () => {
      world = await foonyWorld();
      const client = ours(world, 'ann', key);
      const theirs = officialOn(world, 'bob');
      await client.connect();
      const ourChat = client.channel('vault');
      const theirChat = theirs.channels.get('vault', { cipher: { key } });
      const atOurs: FoonyMessage[] = [];
      const atTheirs: string[] = [];
      ourChat.subscribe((m) => atOurs.push(m));
      theirChat.subscribe((m: MessageFrame) => atTheirs.push(line(m)));
      await theirChat.attach();
      await waitFor(() => ourChat.state === 'attached', 'our channel attached');

      await ourChat.publish('hi', { from: 'ours', secret: 'swordfish' });
      await theirChat.publish('hi', { from: 'theirs', secret: 'marlin' });
      await theirChat.publish([
        { name: 'a', data: 1 },
        { name: 'b', data: [2] },
      ]);
      const expected = [
        'ann:hi:{"from":"ours","secret":"swordfish"}',
        'bob:hi:{"from":"theirs","secret":"marlin"}',
        'bob:a:1',
        'bob:b:[2]',
      ];
      await waitFor(() => atOurs.length >= 4 && atTheirs.length >= 4, 'every message at both clients');
      expect(atOurs.map(line)).toEqual(expected);
      expect(atTheirs).toEqual(expected);
      expect(atOurs.every((m) => m.encoding === undefined)).toBe(true);
      // What the service holds is ciphertext with its encoding.
      const stored = JSON.stringify(world.foony.historyOf('vault'));
      expect(stored).not.toMatch(/swordfish|marlin/);
      expect(stored).toContain(`cipher+aes-${bits}-gcm/base64`);

      const page = await ourChat.history({ limit: 10 });
      expect(dataOf(page.messages)).toEqual([
        { from: 'ours', secret: 'swordfish' },
        { from: 'theirs', secret: 'marlin' },
        1,
        [2],
      ]);
      expect(JSON.stringify(page.messages)).not.toContain('cipher+');
      const theirPage = await theirChat.history({ limit: 10 });
      expect(theirPage.messages.map((m) => m.data)).toContainEqual({ from: 'ours', secret: 'swordfish' });
    });

  it('presence data is sealed both ways: each reads the other’s; the service holds ciphertext; a drop re-enters', async () => {
    world = await foonyWorld();
    const client = ours(world, 'ann', KEY);
    const theirs = officialOn(world, 'bob');
    await client.connect();
    const ourChat = client.channel('vault');
    const theirChat = theirs.channels.get('vault', { cipher: { key: KEY } });
    const ourView: PresenceChange[] = [];
    ourChat.presence.subscribe((c) => ourView.push(c));
    const theirView: string[] = [];
    theirChat.presence.on((e: PresenceEventFrame) =>
      theirView.push(`${e.action}:${e.clientId}:${JSON.stringify(e.data)}`),
    );
    await theirChat.presence.enter({ mood: 'hidden-bob' });
    await ourChat.presence.enter({ mood: 'hidden-ann' });
    await waitFor(
      () => ourView.some((c) => c.member.clientId === 'bob') && theirView.includes('enter:ann:{"mood":"hidden-ann"}'),
      'both enters seen, opened',
    );
    expect(ourView.find((c) => c.member.clientId === 'bob')?.member.data).toEqual({ mood: 'hidden-bob' });
    expect([...ourChat.presence.members().values()].map((m) => [m.clientId, m.data]).sort()).toEqual([
      ['ann', { mood: 'hidden-ann' }],
      ['bob', { mood: 'hidden-bob' }],
    ]);
    const held = world.foony.membersOf('vault');
    expect(held.map((m) => m.encoding)).toEqual(['cipher+aes-256-gcm/base64', 'cipher+aes-256-gcm/base64']);
    expect(JSON.stringify(held)).not.toContain('hidden-');
    // A drop: ours resumes (the member set comes again, sealed) and re-enters; nothing changes for the app.
    const before = ourView.length;
    world.foony.connectionOf(client.session!.connectionId)!.drop();
    await waitFor(() => client.state !== 'connected', 'the drop seen');
    await client.connect();
    await waitFor(() => ourChat.state === 'attached', 'attached again');
    expect(world.foony.membersOf('vault').map((m) => m.encoding)).toEqual([
      'cipher+aes-256-gcm/base64',
      'cipher+aes-256-gcm/base64',
    ]);
    await theirChat.presence.update({ mood: 'still-hidden' });
    await waitFor(() => ourView.some((c) => c.action === 'update'), 'their update');
    expect(ourView.slice(before).map((c) => [c.action, c.member.clientId, c.member.data])).toEqual([
      ['update', 'bob', { mood: 'still-hidden' }],
    ]);
  });

  it('a wrong key: an error event per message it cannot open, the stream goes on (plaintext still delivered)', async () => {
    world = await foonyWorld();
    const client = ours(world, 'ann', OTHER);
    const theirs = officialOn(world, 'bob');
    await client.connect();
    const chat = client.channel('vault');
    const got: FoonyMessage[] = [];
    const errors: PolySocketError[] = [];
    chat.subscribe((m) => got.push(m));
    chat.on('error', (e) => errors.push(e));
    await waitFor(() => chat.state === 'attached', 'attached');
    const theirChat = theirs.channels.get('vault', { cipher: { key: KEY } });
    await theirChat.publish('one', 'hidden');
    await theirs.channels.get('vault').publish('two', 'plain'); // the same channel object: still encrypted
    world.foony.publish('vault', 'three', 'from the server');
    await waitFor(() => got.length >= 1 && errors.length >= 2, 'the plain message and two errors');
    expect(got.map(line)).toEqual(['server:three:"from the server"']);
    expect(errors.map((e) => e.code)).toEqual(['PROTOCOL', 'PROTOCOL']);
    expect(errors[0].message).toMatch(/could not decrypt message .* \(serial 1\) on 'vault'/);
    // Presence data it cannot open: reported, the member left out.
    await theirChat.presence.enter({ mood: 'x' });
    await waitFor(() => errors.length >= 3, 'the presence error');
    expect(errors[2].message).toMatch(/could not decrypt presence data of bob on 'vault'/);
    expect(chat.presence.members().size).toBe(0);
    expect(errors.join(' ')).not.toContain(OTHER);
    expect(client.state).toBe('connected');
  });

  it('many messages arrive in order when decryption is slow (each slower than the next); the official client agrees', async () => {
    world = await foonyWorld();
    const client = ours(world, 'ann', KEY);
    const publisher = ours(world, 'bob', KEY);
    const theirs = officialOn(world, 'eve');
    await Promise.all([client.connect(), publisher.connect()]);
    const chat = client.channel('vault');
    const got: unknown[] = [];
    chat.subscribe((m) => got.push(m.data));
    const theirChat = theirs.channels.get('vault', { cipher: { key: KEY } });
    const atTheirs: unknown[] = [];
    theirChat.subscribe((m: MessageFrame) => atTheirs.push(m.data));
    await theirChat.attach();
    await waitFor(() => chat.state === 'attached', 'attached');
    const subtle = globalThis.crypto.subtle;
    const decrypt = subtle.decrypt.bind(subtle);
    let calls = 0;
    vi.spyOn(subtle, 'decrypt').mockImplementation(async (...args: Parameters<SubtleCrypto['decrypt']>) => {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 30 - (calls++ % 30))));
      return decrypt(...args);
    });
    const count = 300;
    const numbers = Array.from({ length: count }, (_, n) => n);
    // All at once: sealed in call order, so the serials follow it.
    await Promise.all(numbers.map((n) => publisher.channel('vault').publish('n', n)));
    await waitFor(() => got.length >= count && atTheirs.length >= count, 'every message at both readers');
    expect(got).toEqual(numbers);
    expect(atTheirs).toEqual(numbers);
    expect(world.foony.historyOf('vault').map((m) => m.serial)).toEqual(numbers.map((n) => n + 1));
    expect(dataOf((await chat.history({ limit: count })).messages)).toEqual(numbers);
    expect(calls).toBeGreaterThanOrEqual(3 * count);
  });
});
