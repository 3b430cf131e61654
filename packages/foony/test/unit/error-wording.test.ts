import { afterEach, describe, expect, it } from 'vitest';
import type { PolySocketError } from '@polysocket/core';
import { foonyCipher, foonyPresence, type FoonyClient, type FoonyClientOptions } from '@polysocket/foony';
import { MemoryFoonyBinary } from '../helpers/memory-binary';
import { MemoryFoony } from '../helpers/memory-foony';

// Each INVALID says what to do and names the call that made it (found by a fresh-eyes review).

const clients: FoonyClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

async function connected(server: MemoryFoony | MemoryFoonyBinary, options: Partial<FoonyClientOptions> = {}) {
  const client = server.client({ presence: foonyPresence, ...options });
  clients.push(client);
  client.on('error', () => undefined);
  await client.connect();
  return client.channel('room');
}

const failure = (write: Promise<unknown>): Promise<string> =>
  write.then(
    () => 'resolved',
    (error: PolySocketError) => `${error.code} ${error.message}`,
  );

const key = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

describe('error wording', () => {
  it('binary wire: data JSON cannot hold says it must be JSON-serialisable and names the call', async () => {
    const server = new MemoryFoonyBinary();
    const ch = await connected(server);
    expect(await failure(ch.publish('m', 1n))).toMatch(
      /^INVALID publish data must be JSON-serialisable \(no BigInt, no cyclic objects\): .*BigInt/,
    );
    expect(await failure(ch.presence.enter({ n: 1n }))).toMatch(/^INVALID presence data must be JSON-serialisable/);
    expect(await failure(ch.publishBatch([{ name: 'a', data: 1n }]))).toMatch(
      /^INVALID publishBatch data must be JSON-serialisable/,
    );
    expect(server.received.filter((f) => f.t === 'pub' || f.t === 'pres')).toEqual([]);
  });

  it('seed wire: the same for a publish', async () => {
    const server = new MemoryFoony();
    const ch = await connected(server);
    expect(await failure(ch.publish('m', 1n))).toMatch(/^INVALID publish data must be JSON-serialisable/);
    expect(server.framesOf('room', 'pub')).toEqual([]);
  });

  it('publishBatch: an empty list says it needs at least one message; a bad name says so', async () => {
    const ch = await connected(new MemoryFoonyBinary());
    expect(await failure(ch.publishBatch([]))).toBe(
      'INVALID publishBatch needs at least one message: [{ name, data }, …]',
    );
    expect(await failure(ch.publishBatch([{ name: 1 } as never]))).toBe(
      'INVALID publishBatch needs a string name in every message',
    );
  });

  it('with foonyCipher: an encrypted presence names presence, an encrypted publish names publish', async () => {
    const ch = await connected(new MemoryFoonyBinary(), { cipher: foonyCipher({ key }) });
    expect(await failure(ch.presence.enter({ n: 1n }))).toMatch(
      /^INVALID encrypted presence data must be JSON-serialisable \(no BigInt, no cyclic objects\)/,
    );
    expect(await failure(ch.publish('m', 1n))).toMatch(/^INVALID encrypted publish data must be JSON-serialisable/);
  });
});
