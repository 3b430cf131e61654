import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ignisEncryption } from '@polysocket/ignis';
import { ignisWorld, sleep, type IgnisWorld } from '../helpers/setup';

let world: IgnisWorld;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  process.off('unhandledRejection', onUnhandled);
  await world?.close();
});

/** Node reports an unhandled rejection after the microtasks of the macrotask that made it. */
async function macrotasks(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('Ignis emit() whose promise is ignored, like the core’s send: never an unhandled rejection', () => {
  for (const sealed of [false, true]) {
    const kind = sealed ? 'a sealed emit' : 'an emit';
    const options = sealed ? { encryption: ignisEncryption({ sealOutbound: true }) } : {};

    it(`${kind} refused at once (before connect(), after close()) is a rejection and an error event, never unhandled`, async () => {
      world = await ignisWorld({ requireEncryption: sealed });
      const client = world.client(options);
      const errors: string[] = [];
      client.on('error', (e) => errors.push(e.code));
      void client.emit('echo', 1);
      await client.connect();
      client.close();
      void client.emit('echo', 2);
      await macrotasks();
      expect(unhandled).toEqual([]);
      expect(errors).toEqual(['INVALID', 'CLOSED']);
    });

    it(`${kind} waiting for the session when close() comes: CLOSED, as an error event`, async () => {
      world = await ignisWorld({ requireEncryption: sealed });
      const client = world.client(options);
      const errors: string[] = [];
      client.on('error', (e) => errors.push(e.code));
      void client.connect().catch(() => undefined);
      void client.emit('echo', 'waits');
      await sleep(0);
      client.close();
      await macrotasks();
      expect(unhandled).toEqual([]);
      expect(errors).toEqual(['CLOSED']);
    });
  }
});
