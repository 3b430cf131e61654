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

  it('that never settles: with a connectTimeoutMs below requestTimeoutMs, the attempt fails after connectTimeoutMs and is retried', async () => {
    world = await sockrWorld();
    let calls = 0;
    const client = world.client('ana', {
      token: undefined,
      connectTimeoutMs: 300,
      requestTimeoutMs: 60_000,
      getToken: () => (++calls === 1 ? new Promise<string>(() => undefined) : 'token:ana'),
    });
    const errors: PolySocketError[] = [];
    client.on('error', (error) => errors.push(error));
    await client.connect();
    expect(calls).toBe(2);
    const authFailed = errors.find((e) => e.code === 'AUTH_FAILED');
    expect(authFailed?.message).toContain('getToken did not settle within 300 ms');
    expect(authFailed?.retryable).toBe(true);
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

// After auth_error the client ended `failed`; connect() then resolved `connected` without a login (the main
// namespace the server had disconnected was never asked for again), and a connect() from the `error` listener
// was failed by the first attempt's leftover timer.
describe('connect() after a refused token', () => {
  for (const when of ['in the error listener', 'later'] as const) {
    it(`logs in again, asking getToken again (${when})`, async () => {
      world = await sockrWorld();
      let calls = 0;
      const client = world.client('ana', { token: undefined, getToken: () => (calls++ === 0 ? 'bad' : 'token:ana') });
      let retry: Promise<void> | undefined;
      client.once('error', () => {
        if (when === 'in the error listener') retry = client.connect();
      });
      await expect(client.connect()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
      if (when === 'later') {
        await waitFor(() => client.state === 'failed', 'failed');
        retry = client.connect();
      }
      await waitFor(() => retry !== undefined, 'the retry');
      await retry;
      expect(calls).toBe(2);
      expect(client.isAuthenticated()).toBe(true);
      expect(client.getUserId()).toBe('ana');
      const bob = await world.connected('bob');
      const received = new Promise((resolve) => bob.once('message', resolve));
      await client.sendMessage('bob', 'hi');
      expect(await received).toMatchObject({ content: 'hi' });
    });
  }
});
