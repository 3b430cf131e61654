import { afterEach, describe, expect, it } from 'vitest';
import type { PolySocketError } from '@polysocket/core';
import { sockrWorld, waitFor, type SockrWorld } from '../helpers/setup';

// A getToken that never settles used to hang the attempt for ever: the login runs after the Engine.IO
// handshake, where the connect timeout no longer applies.
let world: SockrWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('getToken', () => {
  it('that never settles: the attempt fails with AUTH_FAILED after requestTimeoutMs and is retried; a later token connects', async () => {
    world = await sockrWorld();
    let calls = 0;
    const client = world.client('ana', {
      token: undefined,
      requestTimeoutMs: 300,
      getToken: () => (++calls === 1 ? new Promise<string>(() => undefined) : 'token:ana'),
    });
    const errors: PolySocketError[] = [];
    client.on('error', (error) => errors.push(error));
    await client.connect();
    expect(calls).toBe(2);
    expect(errors.map((e) => e.code)).toContain('AUTH_FAILED');
    expect(errors.find((e) => e.code === 'AUTH_FAILED')?.message).toContain('getToken did not settle within 300 ms');
  });

  it('pending at close(): connect() rejects CLOSED at once', async () => {
    world = await sockrWorld();
    let asked = false;
    const client = world.client('ana', {
      token: undefined,
      getToken: () => {
        asked = true;
        return new Promise<string>(() => undefined);
      },
    });
    const ready = client.connect();
    await waitFor(() => asked, 'getToken to be called');
    client.close();
    await expect(ready).rejects.toMatchObject({ code: 'CLOSED' });
    expect(client.state).toBe('closed');
  });
});
