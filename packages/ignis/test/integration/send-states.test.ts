import { afterEach, describe, expect, it } from 'vitest';
import { ignisEncryption, type IgnisClient } from '@polysocket/ignis';
import { ignisWorld, type IgnisWorld } from '../helpers/setup';

let world: IgnisWorld;
afterEach(async () => {
  await world?.close();
});

/** Settles within the current microtasks, without waiting for a timer or an event: "at once". */
async function failsAtOnce(promise: Promise<unknown>): Promise<unknown> {
  let outcome: { error: unknown } | { value: unknown } | undefined;
  promise.then(
    (value) => (outcome = { value }),
    (error: unknown) => (outcome = { error }),
  );
  for (let i = 0; i < 20; i++) await Promise.resolve();
  expect(outcome, 'settled at once').toBeDefined();
  expect(outcome).toHaveProperty('error');
  return (outcome as { error: unknown }).error;
}

const PATHS: Record<string, { sealed: boolean; send: (c: IgnisClient) => Promise<unknown> }> = {
  emit: { sealed: false, send: (c) => c.emit('echo', 1) },
  request: { sealed: false, send: (c) => c.request('echo', 1) },
  'sealed emit': { sealed: true, send: (c) => c.emit('echo', 1) },
  'sealed request': { sealed: true, send: (c) => c.request('echo', 1) },
};

describe('Ignis sends on a client that is not open fail at once with a typed error', () => {
  for (const [path, { sealed, send }] of Object.entries(PATHS)) {
    const options = sealed ? { encryption: ignisEncryption({ sealOutbound: true }) } : {};

    it(`${path} before connect(): INVALID "call connect() first"`, async () => {
      world = await ignisWorld({ requireEncryption: sealed });
      const client = world.client(options);
      expect(await failsAtOnce(send(client))).toMatchObject({
        code: 'INVALID',
        message: expect.stringContaining('call connect() first'),
      });
    });

    it(`${path} after close(): CLOSED`, async () => {
      world = await ignisWorld({ requireEncryption: sealed });
      const client = world.client(options);
      await client.connect();
      client.close();
      expect(await failsAtOnce(send(client))).toMatchObject({ code: 'CLOSED' });
    });

    it(`${path} once failed: CLOSED`, async () => {
      world = await ignisWorld({ requireEncryption: sealed });
      const client = world.client({ ...options, auth: { token: 'wrong' } });
      await expect(client.connect()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
      expect(await failsAtOnce(send(client))).toMatchObject({ code: 'CLOSED' });
    });
  }

  it('a sealed emit waiting for the session fails with CLOSED when the client is closed meanwhile', async () => {
    world = await ignisWorld({ requireEncryption: true });
    const client = world.client({ encryption: ignisEncryption({ sealOutbound: true }) });
    void client.connect().catch(() => undefined);
    const pending = client.emit('echo', 'waits for connected');
    client.close();
    await expect(pending).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
