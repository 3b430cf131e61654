import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PolySocketError } from '@polysocket/core';
import type { FoonyChannel, FoonyClient, FoonyClientOptions } from '@polysocket/foony';
import { MemoryFoony, settle } from '../helpers/memory-foony';

// Real timers: Node reports an unhandled rejection after the microtasks of the macrotask that made it.
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Every write an app may fire and forget; the promise is deliberately ignored. */
const WRITES: Record<string, (channel: FoonyChannel, data?: unknown) => void> = {
  publish: (channel, data = 1) => void channel.publish('n', data),
  'presence.enter': (channel, data = 1) => void channel.presence.enter(data),
  'presence.update': (channel, data = 1) => void channel.presence.update(data),
  'presence.leave': (channel, data) => void channel.presence.leave(data),
};

interface Setup {
  server: MemoryFoony;
  client: FoonyClient;
  channel: FoonyChannel;
  clientErrors: string[];
  channelErrors: string[];
}

async function setup(options: Partial<FoonyClientOptions> = {}, connect = true): Promise<Setup> {
  const server = new MemoryFoony();
  // A long backoff: a dropped client stays disconnected for the test.
  const client = server.client({
    backoff: { initialDelayMs: 60_000, minDelayMs: 60_000, maxDelayMs: 60_000 },
    ...options,
  });
  const clientErrors: string[] = [];
  const channelErrors: string[] = [];
  client.on('error', (error: PolySocketError) => clientErrors.push(error.code));
  if (connect) await client.connect();
  const channel = client.channel('room');
  channel.on('error', (error) => channelErrors.push(error.code));
  return { server, client, channel, clientErrors, channelErrors };
}

/** What must hold after a write failed: one client `error` event of that code, nothing on the channel, no unhandled rejection. */
async function expectReported(world: Setup, codes: string[]): Promise<void> {
  await settle();
  await macrotask();
  await macrotask();
  expect(unhandled).toEqual([]);
  expect(world.clientErrors).toEqual(codes);
  expect(world.channelErrors).toEqual([]);
}

describe('an unanswered Foony request', () => {
  it('times out with a message that names the request and the channel, and says what to do', async () => {
    const world = await setup({ requestTimeoutMs: 20 });
    world.server.writeAnswer = 'none';
    const results = await Promise.allSettled([
      world.channel.publish('n', 1),
      world.channel.presence.enter({ status: 'here' }),
    ]);
    const messages = results.map((result) => (result as PromiseRejectedResult).reason.message as string);
    expect(messages[0]).toMatch(/^no reply to pub on 'room' within 20 ms: .*requestTimeoutMs/);
    expect(messages[1]).toMatch(/^no reply to pres on 'room' within 20 ms: /);
    world.client.close();
  });
});

describe('Foony writes whose promise is ignored: never an unhandled rejection, every failure an error event', () => {
  for (const [path, write] of Object.entries(WRITES)) {
    it(`${path} before connect(): INVALID`, async () => {
      const world = await setup({}, false);
      write(world.channel);
      await expectReported(world, ['INVALID']);
      world.client.close();
    });

    it(`${path} after close(): CLOSED`, async () => {
      const world = await setup();
      world.client.close();
      write(world.channel);
      await expectReported(world, ['CLOSED']);
    });

    it(`${path} over the size limit: TOO_LARGE`, async () => {
      const world = await setup({ maxMessageSize: 300 });
      write(world.channel, 'x'.repeat(1000));
      await expectReported(world, ['TOO_LARGE']);
      world.client.close();
    });

    it(`${path} while disconnected with a full outbox: OUTBOX_FULL, then CLOSED for the queued one at close()`, async () => {
      const world = await setup({ outbox: { maxMessages: 1 } });
      world.server.drop();
      await settle();
      expect(world.client.state).toBe('reconnecting');
      write(world.channel);
      write(world.channel);
      await expectReported(world, ['OUTBOX_FULL']);
      world.client.close();
      await expectReported(world, ['OUTBOX_FULL', 'CLOSED']);
    });

    it(`${path} refused by the server: FORBIDDEN`, async () => {
      const world = await setup();
      world.server.writeAnswer = 40300;
      write(world.channel);
      await expectReported(world, ['FORBIDDEN']);
      world.client.close();
    });

    it(`${path} unanswered: TIMEOUT`, async () => {
      const world = await setup({ requestTimeoutMs: 20 });
      world.server.writeAnswer = 'none';
      write(world.channel);
      await new Promise((resolve) => setTimeout(resolve, 60));
      await expectReported(world, ['TIMEOUT']);
      world.client.close();
    });

    it(`${path} written before a drop: DISCONNECTED`, async () => {
      const world = await setup();
      world.server.writeAnswer = 'none';
      write(world.channel);
      await settle();
      world.server.drop();
      await expectReported(world, ['DISCONNECTED']);
      world.client.close();
    });
  }

  it('a publish aborted by the app’s own signal rejects ABORTED and is no error event', async () => {
    const world = await setup();
    const controller = new AbortController();
    controller.abort();
    void world.channel.publish('n', 1, { signal: controller.signal });
    await expectReported(world, []);
    world.client.close();
  });

  it('the returned promise still rejects with the failure, and the event is the same error', async () => {
    const world = await setup({ maxMessageSize: 300 });
    const events: PolySocketError[] = [];
    world.client.on('error', (error) => events.push(error));
    const error = await world.channel.publish('n', 'x'.repeat(1000)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TOO_LARGE' });
    expect(events).toEqual([error]);
    world.client.close();
  });

  it('unsubscribe() ignored: the link ending resolves it (the subscription ended with it); a refusal is an error event', async () => {
    const world = await setup();
    world.channel.subscribe(() => undefined);
    await settle();
    world.server.writeAnswer = 'none';
    void world.channel.unsubscribe();
    await settle();
    world.client.close();
    await expectReported(world, []);

    const refused = await setup();
    refused.channel.subscribe(() => undefined);
    await settle();
    refused.server.writeAnswer = 50000;
    void refused.channel.unsubscribe();
    await expectReported(refused, ['SERVER']);
    refused.client.close();
  });

  it('history() is a read: it rejects to its caller only (no error event)', async () => {
    const world = await setup({}, false);
    await expect(world.channel.history()).rejects.toMatchObject({ code: 'INVALID' });
    await expectReported(world, []);
    world.client.close();
  });
});
