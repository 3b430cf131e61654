import { afterEach, describe, expect, it } from 'vitest';
import type { PolySocketError } from '@polysocket/core';
import { ignisEncryption } from '@polysocket/ignis';
import { ignisWorld, sleep, waitFor, type IgnisWorld } from '../helpers/setup';

let world: IgnisWorld;
afterEach(async () => {
  await world?.close();
});

function errorsOf(client: { on(event: 'error', listener: (e: PolySocketError) => void): unknown }): string[] {
  const seen: string[] = [];
  client.on('error', (e) => seen.push(`${e.code}:${e.message}`));
  return seen;
}

describe('Ignis: what an encrypted session delivers', () => {
  it('no app event reaches a listener after close(), not even one that was being decrypted', async () => {
    world = await ignisWorld({ requireEncryption: true });
    const client = world.client({ encryption: ignisEncryption() });
    await client.connect();
    const got: unknown[] = [];
    const any: string[] = [];
    client.onAny((event) => any.push(event));
    client.on('tick', (n) => {
      got.push(n);
      client.close(); // the first one closes the client; the rest are queued for decryption
    });
    for (let i = 0; i < 50; i++) world.ignis.broadcast('tick', i);
    await waitFor(() => got.length > 0, 'the first tick');
    await sleep(200);
    expect(got).toEqual([0]);
    expect(any).toEqual(['tick']);
    expect(client.state).toBe('closed');
  });

  it('a plaintext app event after the encrypted session started is a PROTOCOL error and is not delivered (downgrade)', async () => {
    world = await ignisWorld({ requireEncryption: true });
    const client = world.client({ encryption: ignisEncryption() });
    const errors = errorsOf(client);
    await client.connect();
    const got: unknown[] = [];
    client.onAny((event, data) => got.push([event, data]));
    const link = world.ignis.connectionOf(client.session!.clientId)!;
    link.sendRaw(JSON.stringify({ event: 'chat', data: 'forged in plaintext' }));
    world.ignis.broadcast('chat', 'sealed'); // the real one, encrypted
    await waitFor(() => got.length === 1 && errors.length === 1, 'the sealed event and one error');
    await sleep(50);
    expect(got).toEqual([['chat', 'sealed']]);
    expect(errors).toEqual([
      expect.stringMatching(/^PROTOCOL:a plaintext "chat" frame arrived on an encrypted session/),
    ]);
    expect(client.state).toBe('connected');
  });

  it('a plaintext reply carrying a pending request’s id does not answer it', async () => {
    world = await ignisWorld({ requireEncryption: true });
    const client = world.client({ encryption: ignisEncryption() });
    const errors = errorsOf(client);
    await client.connect();
    const pending = client.request('no-such-handler', 1, { timeoutMs: 300 });
    const tag = (client as unknown as { wire: { idTag(): string } }).wire.idTag();
    const link = world.ignis.connectionOf(client.session!.clientId)!;
    for (let id = 1; id <= 5; id++)
      link.sendRaw(JSON.stringify({ event: 'no-such-handler', data: 'forged', id: `${tag}${id}` }));
    await expect(pending).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(errors.length).toBe(5);
    expect(errors.every((e) => e.startsWith('PROTOCOL:'))).toBe(true);
  });

  it('the system frames the helper may send in plaintext (error, a late connected, heartbeat) stay allowed', async () => {
    world = await ignisWorld({ requireEncryption: true });
    const client = world.client({ encryption: ignisEncryption() });
    const errors = errorsOf(client);
    await client.connect();
    const got: unknown[] = [];
    client.onAny((event) => got.push(event));
    const link = world.ignis.connectionOf(client.session!.clientId)!;
    link.sendRaw(JSON.stringify({ event: 'error', data: { message: 'Invalid message format' } }));
    link.sendRaw(JSON.stringify({ event: 'connected', data: { id: 'again' } }));
    link.sendRaw(JSON.stringify({ event: 'heartbeat' }));
    world.ignis.broadcast('after', 1);
    await waitFor(() => got.length === 1, 'the next sealed event');
    expect(errors).toEqual(['PROTOCOL:Invalid message format']);
    expect(got).toEqual(['after']);
  });
});
