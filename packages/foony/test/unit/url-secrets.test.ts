import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { StorageLike } from '@polysocket/core';
import { webStorageCursors } from '@polysocket/foony';
import { MemoryFoony, settle } from '../helpers/memory-foony';

const QUERY_SECRET = 'q-s3cret-value/+=';
const PASSWORD = 'pw-s3cret';
const URL_WITH_SECRETS = `wss://ana:${PASSWORD}@rt.example.com/foony?accessToken=${encodeURIComponent(QUERY_SECRET)}&v=2`;

function memoryStorage(): StorageLike & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

describe('Foony: credentials in the URL (query values, userinfo password) are secrets', () => {
  it('util.inspect of the client and a channel, log lines and error events never show them', async () => {
    const server = new MemoryFoony();
    const lines: string[] = [];
    const record = (...args: unknown[]): void =>
      void lines.push(args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' '));
    const storage = memoryStorage();
    const client = server.client({
      url: URL_WITH_SECRETS,
      persistCursors: webStorageCursors(storage),
      logger: { debug: record, info: record, warn: record, error: record },
    });
    const messages: string[] = [];
    client.on('error', (e) => messages.push(e.message));
    await client.connect();
    const channel = client.channel('chat');
    channel.subscribe(() => undefined);
    await settle();
    // A server (or proxy) that quotes the URL it was given, encoded or not.
    server.server.last!.send(
      JSON.stringify({ t: 'err', code: 50000, message: `refused ${URL_WITH_SECRETS} (${QUERY_SECRET}, ${PASSWORD})` }),
    );
    await settle();
    server.publish('chat', 'n', 1);
    await settle();
    client.close();
    expect(messages).toHaveLength(1);
    const all = [
      ...lines,
      ...messages,
      inspect(client, { depth: 10, showHidden: true }),
      inspect(channel, { depth: 10, showHidden: true }),
      ...storage.items.keys(),
      ...storage.items.values(),
    ].join('\n');
    for (const secret of [QUERY_SECRET, encodeURIComponent(QUERY_SECRET), PASSWORD]) expect(all).not.toContain(secret);
    expect(inspect(client)).toContain('rt.example.com/foony');
  });

  it('the default cursor storage key is the URL without query, fragment and credentials', async () => {
    const server = new MemoryFoony();
    const storage = memoryStorage();
    const client = server.client({ url: URL_WITH_SECRETS, persistCursors: webStorageCursors(storage) });
    await client.connect();
    client.channel('chat').subscribe(() => undefined);
    await settle();
    server.publish('chat', 'n', 1);
    await settle();
    client.close();
    expect([...storage.items.keys()]).toEqual(['polysocket:foony:wss://rt.example.com/foony']);
  });

  it('a URL without query or credentials keeps the key it always had (cursors persisted before are found)', async () => {
    const server = new MemoryFoony();
    const storage = memoryStorage();
    const url = 'ws://127.0.0.1:8080/foony';
    storage.setItem(`polysocket:foony:${url}`, JSON.stringify({ chat: 'm41' }));
    const client = server.client({ url, persistCursors: webStorageCursors(storage) });
    expect(client.channel('chat').lastMessageId).toBe('m41');
    client.close();
  });

  it('cursors stored under the old key (the full URL) move to the new one, and the old entry is removed', async () => {
    const server = new MemoryFoony();
    const storage = memoryStorage();
    storage.setItem(`polysocket:foony:${URL_WITH_SECRETS}`, JSON.stringify({ chat: 'm41' }));
    const client = server.client({ url: URL_WITH_SECRETS, persistCursors: webStorageCursors(storage) });
    expect(client.channel('chat').lastMessageId).toBe('m41');
    expect([...storage.items.keys()]).toEqual(['polysocket:foony:wss://rt.example.com/foony']);
    client.close();
  });

  it('an explicit key is used as given', async () => {
    const server = new MemoryFoony();
    const storage = memoryStorage();
    const client = server.client({
      url: URL_WITH_SECRETS,
      persistCursors: webStorageCursors(storage, { key: 'mine' }),
    });
    await client.connect();
    client.channel('chat').subscribe(() => undefined);
    await settle();
    server.publish('chat', 'n', 1);
    await settle();
    client.close();
    expect([...storage.items.keys()]).toEqual(['mine']);
  });
});
