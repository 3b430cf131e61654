import { afterEach, describe, expect, it } from 'vitest';
import type { PolySocketError } from '@polysocket/core';
import { ignisEncryption } from '@polysocket/ignis';
import { ignisWorld, sleep, type IgnisWorld } from '../helpers/setup';

let world: IgnisWorld;
afterEach(async () => {
  await world?.close();
});

function errorsOf(client: { on(event: 'error', listener: (e: PolySocketError) => void): unknown }): PolySocketError[] {
  const seen: PolySocketError[] = [];
  client.on('error', (e) => seen.push(e));
  return seen;
}

describe('Ignis frame size: the core rule (maxMessageSize), maxPayloadBytes its Ignis name', () => {
  it('defaults to the helper’s 131 072 bytes: an emit over it rejects TOO_LARGE with an error event, the link stays up', async () => {
    world = await ignisWorld();
    const client = world.client();
    const errors = errorsOf(client);
    await client.connect();
    const pending = client.emit('echo', 'x'.repeat(131_072));
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).rejects.toMatchObject({ code: 'TOO_LARGE', retryable: false });
    expect(errors.map((e) => e.code)).toEqual(['TOO_LARGE']);
    await sleep(50);
    expect(client.state).toBe('connected');
    expect((await client.request<string>('echo', 'next')).data).toBe('next');
  });

  it('an oversize sealed emit and request reject TOO_LARGE too, and the next sealed send works', async () => {
    world = await ignisWorld({ requireEncryption: true, maxPayloadBytes: 2048 });
    const client = world.client({ encryption: ignisEncryption({ sealOutbound: true }), maxPayloadBytes: 2048 });
    const errors = errorsOf(client);
    await client.connect();
    // 1600 bytes of plaintext fit, but not once sealed (base64 grows it by a third).
    await expect(client.emit('echo', 'x'.repeat(1600))).rejects.toMatchObject({ code: 'TOO_LARGE' });
    await expect(client.request('echo', 'x'.repeat(1600))).rejects.toMatchObject({ code: 'TOO_LARGE' });
    expect(errors.map((e) => e.code)).toEqual(['TOO_LARGE']);
    expect((await client.request<string>('echo', 'small')).data).toBe('small');
    expect(client.state).toBe('connected');
  });

  it('maxMessageSize wins over maxPayloadBytes when both are given', async () => {
    world = await ignisWorld({ maxPayloadBytes: 4096 });
    const client = world.client({ maxPayloadBytes: 4096, maxMessageSize: 1000 });
    await client.connect();
    await expect(client.emit('echo', 'x'.repeat(1500))).rejects.toMatchObject({
      code: 'TOO_LARGE',
      message: expect.stringContaining('1000-byte'),
    });
  });

  it('an authenticate payload over the limit fails the client with TOO_LARGE instead of a drop-and-retry loop', async () => {
    world = await ignisWorld({ maxPayloadBytes: 1024 });
    const client = world.client({ auth: { token: 'good-token', blob: 'x'.repeat(2000) }, maxPayloadBytes: 1024 });
    await expect(client.connect()).rejects.toMatchObject({ code: 'TOO_LARGE' });
    expect(client.state).toBe('failed');
    expect(world.ignis.authLog).toHaveLength(0);
  });
});
