// Regression: closing while a binary-wire channel's `sub` and `presSub` are both unanswered left the presSub's
// rejection unhandled (only the sub was awaited).
import { afterEach, describe, expect, it } from 'vitest';
import { foonyPresence } from '@polysocket/foony';
import { MemoryFoonyBinary } from '../helpers/memory-binary';

const unhandled: unknown[] = [];
const record = (reason: unknown): void => {
  unhandled.push(reason);
};
afterEach(() => {
  process.off('unhandledRejection', record);
});

describe('binary wire: close() with a subscribe and its presSub unanswered', () => {
  it('rejects both without an unhandled rejection', async () => {
    process.on('unhandledRejection', record);
    const server = new MemoryFoonyBinary();
    const client = server.client({ presence: foonyPresence });
    await client.connect();
    const channel = client.channel('room');
    channel.presence.subscribe(() => undefined);
    channel.attach();
    client.close(); // before the acks: both requests are rejected with CLOSED
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unhandled).toEqual([]);
  });
});
